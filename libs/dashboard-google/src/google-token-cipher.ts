import type { DataCipher } from '@homelab/secrets';

export type GoogleTokenKind = 'refresh_token' | 'access_token';

/**
 * Encrypts Google tokens for the `google_account` row with the dashboard's DataCipher. The
 * associated data names the column, so a ciphertext copied into the other column (or another
 * table) does not decrypt.
 */
export class GoogleTokenCipher {
  constructor(private readonly cipher: DataCipher) {}

  seal(kind: GoogleTokenKind, token: string): string {
    return this.cipher.encrypt(token, associatedData(kind));
  }

  /** Throws DecryptionError (tampered, unknown key id) — callers decide what that means. */
  open(kind: GoogleTokenKind, sealed: string): string {
    return this.cipher.decryptString(sealed, associatedData(kind));
  }
}

function associatedData(kind: GoogleTokenKind): string {
  return `google_account:${kind}`;
}
