import type { z } from 'zod';
import { allContracts, type AnyContract } from '@homelab/contracts';

/** Top-level field names of a message schema, for a one-line summary. */
function fields(schema: z.ZodType): string {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  if (!shape) return '—';
  const names = Object.keys(shape);
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : '(empty)';
}

function row(contract: AnyContract): string {
  const [kind, message] =
    contract.kind === 'rpc'
      ? ['request/reply', `${fields(contract.request)} → ${fields(contract.response)}`]
      : ['event', fields(contract.payload)];
  return `| \`${contract.subject}\` | ${kind} | ${contract.owner} | ${contract.description} | ${message} |`;
}

/** Every NATS subject, from the contracts — the README's subject list. */
export function renderSubjectsTable(): string {
  return [
    '| subject | kind | owner | what it carries | fields |',
    '|---|---|---|---|---|',
    ...[...allContracts].sort((a, b) => a.subject.localeCompare(b.subject)).map(row),
  ].join('\n');
}
