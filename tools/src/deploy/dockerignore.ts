/**
 * `.dockerignore` matching as Docker does it: patterns relative to the
 * context root, `*` and `?` within one path segment, `**` across segments,
 * `!` re-includes, the last matching pattern wins, and a pattern that
 * matches a directory excludes everything below it.
 */
export interface IgnoreRule {
  pattern: string;
  negate: boolean;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories, a trailing `**` everything
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i);
      source += end > i ? pattern.slice(i, end + 1).replace('[!', '[^') : '\\[';
      i = end > i ? end : i;
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function clean(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = clean((negate ? line.slice(1) : line).trim());
      return { pattern, negate, regex: toRegex(pattern) };
    });
}

/** Whether `path` (relative to the context root) is left out of the build context. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = clean(path).split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.negate;
  }
  return ignored;
}
