import { REDACTED, redactor } from '@homelab/secrets';

/** Text from a container (logs, stderr) made safe to store and show: known secrets removed, length capped. */
export function scrub(text: string, secrets: readonly string[] = [], maxLength = 1500): string {
  let clean = redactor.redact(text);
  for (const secret of secrets) if (secret.length > 0) clean = clean.split(secret).join(REDACTED);
  clean = clean.trim();
  return clean.length > maxLength ? `…${clean.slice(clean.length - maxLength)}` : clean;
}
