import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CatalogSourceBody } from '@homelab/dashboard-api';
import { catalogSourceBody, MonitorsRequestInvalidError, parseAlertsQuery, parseCatalogSourceBody, parseHistoryQuery } from '../monitor/monitors-request.js';
import { parseCatalog } from './catalog-parser.js';
import { slugify } from './slug.js';

const example = `services:
  - name: Plex
    group: Media
    url: http://plex.lan:32400/web
    check: { http: http://plex.lan:32400/identity, expectStatus: 200 }
  - name: Sunshine
    check: { tcp: gamebox.lan:47989 }
  - name: n8n
    check: { container: n8n, host: local }   # health of a container on a Docker host
`;

describe('parseCatalog', () => {
  it('reads the documented example', () => {
    const parsed = parseCatalog(example);
    expect(parsed.problems).toEqual([]);
    expect(parsed.unusable).toBe(false);
    expect(parsed.entries).toEqual([
      {
        id: 'plex',
        name: 'Plex',
        group: 'Media',
        url: 'http://plex.lan:32400/web',
        description: null,
        check: { kind: 'http', url: 'http://plex.lan:32400/identity', expectStatus: [200], expectText: null, verifyTls: true },
      },
      { id: 'sunshine', name: 'Sunshine', group: null, url: null, description: null, check: { kind: 'tcp', host: 'gamebox.lan', port: 47989 } },
      { id: 'n8n', name: 'n8n', group: null, url: null, description: null, check: { kind: 'container', container: 'n8n', host: 'local' } },
    ]);
  });

  it('reports a malformed entry with its line and keeps the others', () => {
    const text = `services:
  - name: Good
    check: { tcp: 127.0.0.1:22 }
  - name: Bad port
    check:
      tcp: gamebox.lan:99999
  - name: Typo
    chek: { tcp: a:1 }
  - name: Two kinds
    check: { tcp: a:1, http: http://a/ }
  - name: No check
  - group: nameless
    check: { tcp: a:1 }
  - name: Status
    check: { http: http://a/, expectStatus: 42 }
  - name: Plain TLS opt-out
    check: { http: http://a/, verifyTls: false }
  - name: good
    check: { tcp: b:2 }
  - just a string
`;
    const parsed = parseCatalog(text);
    expect(parsed.entries.map((e) => e.id)).toEqual(['good']);
    expect(parsed.problems).toEqual([
      { index: 1, name: 'Bad port', line: 6, message: 'check.tcp: the port must be between 1 and 65535' },
      { index: 2, name: 'Typo', line: 8, message: expect.stringMatching(/^unknown key "chek" \(an entry has name, group, url, description, check\)$/) },
      { index: 3, name: 'Two kinds', line: 10, message: 'check has http and tcp; give one kind of check per entry' },
      { index: 4, name: 'No check', line: 11, message: expect.stringContaining('check is required') },
      { index: 5, name: null, line: 12, message: 'name: is required' },
      { index: 6, name: 'Status', line: 15, message: 'check.expectStatus: must be an HTTP status (100–599)' },
      { index: 7, name: 'Plain TLS opt-out', line: 17, message: 'check.verifyTls: verifyTls applies to https:// URLs only' },
      { index: 8, name: 'good', line: 18, message: expect.stringContaining('another entry (line 2) has the same id "good"') },
      { index: 9, name: null, line: 20, message: expect.stringContaining('must be a mapping') },
    ]);
  });

  it('calls a YAML syntax error unusable, with its line', () => {
    const parsed = parseCatalog('services:\n  - name: A\n    check: { tcp: a:1\n');
    expect(parsed.unusable).toBe(true);
    expect(parsed.problems[0]?.index).toBeNull();
    expect(parsed.problems[0]?.message).toMatch(/^YAML syntax error: /);
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses a file of the wrong shape, accepts an empty one', () => {
    expect(parseCatalog('- a\n- b\n')).toMatchObject({ unusable: true, problems: [{ index: null, message: expect.stringContaining('services:') }] });
    expect(parseCatalog('services: {a: 1}\n')).toMatchObject({ unusable: true, problems: [{ line: 1 }] });
    expect(parseCatalog('')).toEqual({ entries: [], problems: [], unusable: false });
    expect(parseCatalog('services:\n')).toEqual({ entries: [], problems: [], unusable: false });
    expect(parseCatalog('services: []\nextra: 1\n').problems).toEqual([
      { index: null, name: null, line: 2, message: 'unknown top-level key "extra" (the catalog has only `services:`)' },
    ]);
  });

  it('reads every check option', () => {
    const parsed = parseCatalog(`services:
  - name: NAS
    description: Synology
    check: { http: "https://nas.lan:5001/", expectStatus: [200, 401], expectText: DiskStation, verifyTls: false }
  - name: Desktop (VNC)
    check: { tcp: "[::1]:5900" }
  - name: Default host
    check: { container: /web }
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.id, e.check])).toEqual([
      ['nas', { kind: 'http', url: 'https://nas.lan:5001/', expectStatus: [200, 401], expectText: 'DiskStation', verifyTls: false }],
      ['desktop-vnc', { kind: 'tcp', host: '::1', port: 5900 }],
      ['default-host', { kind: 'container', container: 'web', host: null }],
    ]);
  });
});

describe('slugify', () => {
  it('makes stable ids from names', () => {
    expect(slugify('Desktop (VNC)')).toBe('desktop-vnc');
    expect(slugify('  Ünïcode—Café  ')).toBe('unicode-cafe');
    expect(slugify('***')).toBe('');
  });
});

// the catalog API's requests (monitor/monitors-request.ts); pure, so they live beside the parser's tests
describe('catalog and alerts API requests', () => {
  it('take exactly the catalog source body @homelab/dashboard-api declares', () => {
    // tsc (the spec type-check) fails when the schema and the API type drift apart
    expectTypeOf<z.input<typeof catalogSourceBody>>().toEqualTypeOf<CatalogSourceBody>();
    const body: CatalogSourceBody = { yaml: 'services: []\n' };
    expect(parseCatalogSourceBody(body)).toEqual(body);
    expect(() => parseCatalogSourceBody({ yaml: 'services: []', file: '/etc/passwd' })).toThrow(MonitorsRequestInvalidError);
  });

  it('read the query strings with their defaults, naming a wrong field', () => {
    expect(parseAlertsQuery({})).toEqual({ state: 'open' });
    expect(parseHistoryQuery({ range: '7d' })).toEqual({ range: '7d' });
    expect(() => parseHistoryQuery({ range: '1y' })).toThrow(/range: must be 24h, 7d or 30d/);
  });
});
