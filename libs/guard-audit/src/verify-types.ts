import type { SignedHead } from './signing.js';

/**
 * What verification found first, in chain order:
 * - `edited`: a record's content no longer matches its hash (or it was re-hashed and no longer matches the next record's prev_hash);
 * - `deleted`: a seq is missing (gap);
 * - `reordered`: a record sits at the wrong place (seq changed, content swapped, chained after another record, time going backwards);
 * - `truncated`: a signed head names a seq the table no longer reaches, or a different hash at that seq;
 * - `bad-signature`: an entry of the head store does not verify with the public key;
 * - `no-signed-head`: records exist but no signed head does (only with `requireSignedHead`).
 */
export type AuditProblemKind = 'edited' | 'deleted' | 'reordered' | 'truncated' | 'bad-signature' | 'no-signed-head';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first seq affected (for `bad-signature`, the seq the bad head claims). */
  seq: number;
  message: string;
}

/** The last record of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type AuditVerifyReport =
  | {
      ok: true;
      /** Records checked. */
      records: number;
      /** The newest validly signed head (highest seq), or null when none was stored yet. */
      head: SignedHead | null;
      /** The table's last record, or null when it is empty. */
      tip: ChainHead | null;
    }
  | { ok: false; problem: AuditProblem; records: number };
