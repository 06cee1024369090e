/**
 * Characters that can make a command read differently from what runs:
 * controls, bidirectional overrides, zero-width and other invisible
 * characters, and spaces that are not word separators. Any of them refuses
 * the command. Other non-ASCII characters (look-alikes such as Cyrillic `а`)
 * are judged where they appear (see the evaluator).
 */
export function isHiddenCodePoint(cp: number): boolean {
  if (cp < 0x20) return cp !== 0x09 && cp !== 0x0a; // C0 controls except tab and newline
  if (cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return true; // DEL, C1
  if (cp < 0xa0) return false;
  return (
    cp === 0xa0 || // no-break space
    cp === 0xad || // soft hyphen
    cp === 0x34f || // combining grapheme joiner
    cp === 0x61c || // Arabic letter mark
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x1680 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    cp === 0x180e ||
    (cp >= 0x2000 && cp <= 0x200f) || // spaces, zero-width, LRM/RLM
    (cp >= 0x2028 && cp <= 0x202f) || // line/paragraph separators, bidi embeddings and overrides
    (cp >= 0x205f && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates
    cp === 0x3000 ||
    (cp >= 0xd800 && cp <= 0xdfff) || // lone surrogates

    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // zero-width no-break space / BOM
    cp === 0xffa0 ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0xe0000 && cp <= 0xe0fff) // tags and supplementary variation selectors
  );
}

export function formatCodePoint(cp: number): string {
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Shows a command so that what an approver reads is what runs: printable
 * ASCII and newlines stay, every other character (controls, bidi, invisible
 * and non-ASCII letters) becomes `\uXXXX`, and a tab becomes `\t`.
 */
export function escapeForDisplay(command: string): string {
  let out = '';
  let plain = true;
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a) continue;
    plain = false;
    break;
  }
  if (plain) return command;
  for (const ch of command) {
    const cp = ch.codePointAt(0) ?? 0;
    if ((cp >= 0x20 && cp < 0x7f) || cp === 0x0a) out += ch;
    else if (cp === 0x09) out += '\\t';
    else out += formatCodePoint(cp);
  }
  return out;
}

export interface UnicodeScan {
  /** Hidden characters (each code point once, in order of appearance). */
  hidden: number[];
  /** Any character outside ASCII. */
  nonAscii: boolean;
}

export function scanUnicode(command: string): UnicodeScan {
  const hidden: number[] = [];
  let nonAscii = false;
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    const cp = command.codePointAt(i) ?? c;
    if (cp > 0xffff) i++;
    if (cp >= 0x80) nonAscii = true;
    if (isHiddenCodePoint(cp) && !hidden.includes(cp)) hidden.push(cp);
  }
  return { hidden, nonAscii };
}

export function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return true;
  return false;
}
