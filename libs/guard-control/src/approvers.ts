import { createHash, timingSafeEqual } from 'node:crypto';

const MIN_TOKEN_LENGTH = 24;

export class ApproverTokensError extends Error {
  override readonly name = 'ApproverTokensError';
}

/**
 * The people who may approve commands over HTTP, each with a bearer token
 * (`GUARD_APPROVER_TOKENS=name:token,…`). Tokens are compared as SHA-256
 * digests in constant time; they are never kept in the clear.
 */
export class Approvers {
  private readonly digests: { name: string; digest: Buffer }[];

  private constructor(entries: { name: string; token: string }[]) {
    this.digests = entries.map((e) => ({ name: e.name, digest: digest(e.token) }));
  }

  static parse(spec: string | undefined): Approvers {
    if (!spec) return new Approvers([]);
    const entries = spec.split(',').map((part, index) => {
      const separator = part.indexOf(':');
      const name = part.slice(0, separator).trim();
      const token = part.slice(separator + 1).trim();
      if (separator < 1 || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
        throw new ApproverTokensError(`entry ${index + 1} must be name:token with a name of letters, digits, _ . @ -`);
      }
      if (token.length < MIN_TOKEN_LENGTH) {
        throw new ApproverTokensError(`the token of ${name} must be at least ${MIN_TOKEN_LENGTH} characters`);
      }
      return { name, token };
    });
    const names = new Set(entries.map((e) => e.name));
    if (names.size !== entries.length) throw new ApproverTokensError('an approver is listed twice');
    return new Approvers(entries);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The approver a `Bearer <token>` header belongs to, if any. */
  authenticate(authorization: string | undefined): string | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: string | undefined;
    // compare against every entry so timing does not say which one matched
    for (const entry of this.digests) if (timingSafeEqual(entry.digest, presented)) found = entry.name;
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
