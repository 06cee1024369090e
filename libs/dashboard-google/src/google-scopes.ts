/** The read-only scope each Google API is read with (docs/dashboard-api.md, "Google"). */
export const GOOGLE_API_SCOPES = {
  calendar: 'https://www.googleapis.com/auth/calendar.readonly',
  gmail: 'https://www.googleapis.com/auth/gmail.metadata',
  drive: 'https://www.googleapis.com/auth/drive.metadata.readonly',
} as const;

export type GoogleApiName = keyof typeof GOOGLE_API_SCOPES;

/**
 * Exactly what the consent page is asked for: the three read-only API scopes, plus `openid email`
 * so the token answer names the account. Nothing that reads mail bodies or file contents.
 */
export const GOOGLE_REQUESTED_SCOPES: readonly string[] = [
  GOOGLE_API_SCOPES.calendar,
  GOOGLE_API_SCOPES.gmail,
  GOOGLE_API_SCOPES.drive,
  'openid',
  'email',
];

/** Google's token answer spells granted scopes space-separated (and `email` as `…/userinfo.email`). */
export function parseScopes(scope: string | null | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))].sort();
}
