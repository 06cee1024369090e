import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchemas, sensitiveVariables } from '@homelab/config';
import { serviceNames } from '@homelab/contracts';
import { renderConfigTable } from './config-table.js';
import { markers, README_PATH, readmeRegion, replaceRegion, runReadmeCli } from './readme-regions.js';
import { readmeRegions } from './update-readme.js';
import { renderSubjectsTable } from './subjects-table.js';
import { allContracts } from '@homelab/contracts';

const { start: START_MARKER, end: END_MARKER } = markers('config-table');

const table = renderConfigTable();
const rowOf = (name: string) => table.split('\n').find((line) => line.startsWith(`| \`${name}\``));

describe('README configuration table', () => {
  it('is what the schemas say (run `npm run readme` after changing a schema)', () => {
    expect(readmeRegion(readFileSync(README_PATH, 'utf8'), 'config-table')).toBe(table);
  });

  it('lists every variable of every service exactly once', () => {
    const names = new Set(serviceNames.flatMap((s) => Object.keys(configSchemas[s].shape)));
    for (const name of names) expect(table.split('\n').filter((l) => l.startsWith(`| \`${name}\``)), name).toHaveLength(1);
    expect(table.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(names.size);
  });

  it('marks the sensitive variables, and only those', () => {
    const sensitive = new Set(serviceNames.flatMap((s) => sensitiveVariables(configSchemas[s])));
    expect(sensitive.size).toBeGreaterThan(0);
    for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
      const name = /^\| `(\w+)`/.exec(line)?.[1] ?? '';
      expect(line.includes('🔒'), name).toBe(sensitive.has(name));
    }
  });

  it('shows which services read a variable and the defaults the schemas produce', () => {
    expect(rowOf('LOG_LEVEL')).toBe('| `LOG_LEVEL` | all | `info` | Minimum level of the JSON log lines written to stdout. |');
    expect(rowOf('SERVICES_HEALTH_TIMEOUT_MS')).toMatch(/^\| `SERVICES_HEALTH_TIMEOUT_MS` \| dashboard \| `2000` \|/);
    expect(rowOf('HTTP_PORT')).toContain('dashboard: `3000`<br>stream-bot: `3001`<br>discord-bot: `3002`<br>jarvis-guard: `3003`<br>automation: `3004`');
    expect(rowOf('HTTP_PORT')).toContain('(default per service)');
    expect(rowOf('DATABASE_URL')).toMatch(/\| all \| required \|/);
    expect(rowOf('NATS_USER')).toMatch(/\| all \| — \|/);
    expect(rowOf('NATS_SUBJECT_PREFIX')).toMatch(/\| all \| \(empty\) \|/);
    expect(rowOf('NATS_URL')).toContain('| `nats://127.0.0.1:4222` |');
    expect(rowOf('TRACING_ENABLED')).toContain('| `true` |');
    expect(rowOf('VAULT_SECRET_PATH')).toContain('| `homelab/<service>` |');
  });

  it('keeps HTML out of the cells', () => {
    expect(rowOf('DATA_ENCRYPTION_KEYS')).toContain('`k2026:<32 random bytes, base64>`');
    expect(table.replace(/`[^`]*`/g, '').replace(/<br>/g, '')).not.toMatch(/<[a-z]/i);
  });
});

describe('replaceRegion', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# T\n\n${START_MARKER}\nold\n${END_MARKER}\n\nrest\n`;
    expect(replaceRegion(readme, 'config-table', 'new')).toBe(`# T\n\n${START_MARKER}\nnew\n${END_MARKER}\n\nrest\n`);
    expect(readmeRegion(replaceRegion(readme, 'config-table', 'new'), 'config-table')).toBe('new');
  });

  it('refuses a README without both markers in order', () => {
    expect(() => replaceRegion('no markers', 'config-table', 'x')).toThrow(/config-table:start/);
    expect(() => replaceRegion(`${END_MARKER}\n${START_MARKER}`, 'config-table', 'x')).toThrow(/config-table:start/);
  });
});

const configOnly = readmeRegions.filter((region) => region.name === 'config-table');

describe('runReadmeCli', () => {
  it('fails the check when out of date, and --write brings the README up to date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-table-'));
    try {
      const path = join(dir, 'README.md');
      writeFileSync(path, `# Title\n${START_MARKER}\n| stale |\n${END_MARKER}\nfooter\n`);
      const out: string[] = [];
      const output = { out: (l: string) => out.push(l), err: (l: string) => out.push(`err: ${l}`) };
      expect(runReadmeCli([], path, configOnly, output)).toBe(1);
      expect(out.pop()).toMatch(/^err: .*out of date/);
      expect(runReadmeCli(['--write'], path, configOnly, output)).toBe(0);
      const written = readFileSync(path, 'utf8');
      expect(written.startsWith(`# Title\n${START_MARKER}\n`)).toBe(true);
      expect(written.endsWith(`${END_MARKER}\nfooter\n`)).toBe(true);
      expect(readmeRegion(written, 'config-table')).toBe(table);
      expect(runReadmeCli([], path, configOnly, output)).toBe(0);
      expect(out.pop()).toBe('README.md generated sections are up to date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README subjects table', () => {
  it('is what the contracts say (run `npm run readme` after changing a contract)', () => {
    expect(readmeRegion(readFileSync(README_PATH, 'utf8'), 'subjects')).toBe(renderSubjectsTable());
  });

  it('lists every subject once, with its kind and owner', () => {
    const subjects = renderSubjectsTable();
    for (const contract of allContracts) {
      const lines = subjects.split('\n').filter((l) => l.startsWith(`| \`${contract.subject}\` |`));
      expect(lines, contract.subject).toHaveLength(1);
      expect(lines[0]).toContain(contract.kind === 'rpc' ? 'request/reply' : 'event');
    }
    expect(subjects).toContain('| `guard.system.ping` | request/reply | jarvis-guard |');
  });
});
