import type { ReactNode } from 'react';
import { statusTone, type Tone } from '../lib/format';

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A status word coloured by what it means (up green, degraded amber, down red). */
export function StatusBadge({ status, title }: { status: string; title?: string }) {
  return (
    <Badge tone={statusTone(status)} {...(title ? { title } : {})}>
      <span className="dot" aria-hidden="true" />
      {status}
    </Badge>
  );
}
