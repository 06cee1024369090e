/**
 * Quotes `value` as one POSIX shell word: wrapped in single quotes, with each
 * embedded `'` written as `'\''`. Inside single quotes nothing is special
 * (no expansion, no escapes), so any string survives, including newlines,
 * `$(…)`, backquotes, globs and leading dashes. NUL cannot be passed to a
 * program at all, so it is refused instead of silently cut off. Plain words
 * (letters, digits, `_@%+:,./-`) stay unquoted for readable plans; `=` and `~`
 * are not among them (assignment and tilde expansion).
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new TypeError('A shell word cannot contain a NUL byte');
  if (value !== '' && /^[A-Za-z0-9_@%+:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each word and joins them with spaces. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
