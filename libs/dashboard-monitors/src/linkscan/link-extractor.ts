import { Parser } from 'htmlparser2';

/** A link found on a page: an absolute http(s) URL without fragment, or text that is not a URL at all. */
export type ExtractedLink = { url: string } | { invalid: string };

/** Attributes that point at something the browser loads or the reader follows. */
const URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src'],
  script: ['src'],
  iframe: ['src'],
  frame: ['src'],
  source: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  embed: ['src'],
  object: ['data'],
};
const SRCSET_TAGS = new Set(['img', 'source']);
/** `<link rel>` values that name an origin to warm up, not a resource that must exist. */
const HINT_RELS = new Set(['preconnect', 'dns-prefetch']);

function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(',')
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? '')
    .filter((url) => url !== '');
}

function isHint(tag: string, attributes: Record<string, string>): boolean {
  if (tag !== 'link') return false;
  const rels = (attributes['rel'] ?? '').toLowerCase().split(/\s+/);
  return rels.length > 0 && rels.every((rel) => HINT_RELS.has(rel));
}

/** Resolves `raw` against `base`; null for links not worth checking (fragments, mailto:, javascript: …). */
function resolveLink(raw: string, base: URL): ExtractedLink | null {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return null;
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return { invalid: text };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return { url: url.href };
}

/**
 * Every checkable link of an HTML page, in document order, duplicates
 * removed, honouring `<base href>`. htmlparser2 is lenient like a browser, so
 * a sloppy page still yields its links.
 */
export function extractLinks(html: string, pageUrl: URL): ExtractedLink[] {
  let base = pageUrl;
  let baseSeen = false;
  const seen = new Set<string>();
  const links: ExtractedLink[] = [];
  const add = (raw: string): void => {
    const link = resolveLink(raw, base);
    if (!link) return;
    const key = 'url' in link ? link.url : `invalid:${link.invalid}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push(link);
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && !baseSeen && attributes['href']) {
          baseSeen = true;
          try {
            base = new URL(attributes['href'], pageUrl);
          } catch {
            // a broken <base> is ignored by browsers too
          }
          return;
        }
        if (isHint(name, attributes)) return;
        for (const attribute of URL_ATTRIBUTES[name] ?? []) {
          const value = attributes[attribute];
          if (value !== undefined) add(value);
        }
        if (SRCSET_TAGS.has(name) && attributes['srcset']) srcsetUrls(attributes['srcset']).forEach(add);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return links;
}
