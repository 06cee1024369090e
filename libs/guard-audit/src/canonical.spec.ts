import { describe, expect, it } from 'vitest';
import { canonicalJsonFromText, compareCodePoints, sha256Hex } from './canonical.js';

describe('canonicalJsonFromText', () => {
  it('removes whitespace and sorts keys, recursively', () => {
    expect(canonicalJsonFromText('{"b": [1, {"y": 2, "x": 1}], "a": {"z": null, "c": true}}')).toBe('{"a":{"c":true,"z":null},"b":[1,{"x":1,"y":2}]}');
  });

  it('keeps number and string tokens exactly as PostgreSQL printed them', () => {
    expect(canonicalJsonFromText('{"n": [2.50, 1000000000000000000000, -0.000001, 0]}')).toBe('{"n":[2.50,1000000000000000000000,-0.000001,0]}');
    expect(canonicalJsonFromText('{"s": "a\\"b\\\\c\\n\\u001f é"}')).toBe('{"s":"a\\"b\\\\c\\n\\u001f é"}');
  });

  it('sorts keys by code point like COLLATE "C", not by UTF-16 unit', () => {
    // U+FFFF sorts before U+1F600 by code point, after it by UTF-16 code unit (0xD83D)
    expect(canonicalJsonFromText('{"😀": 1, "\uffff": 2, "B": 3, "a": 4}')).toBe('{"B":3,"a":4,"\uffff":2,"😀":1}');
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(['😀', '\uffff'].sort()[0]).toBe('😀');
  });

  it('handles empty containers and scalars at the top', () => {
    expect(canonicalJsonFromText(' {} ')).toBe('{}');
    expect(canonicalJsonFromText('[]')).toBe('[]');
    expect(canonicalJsonFromText('"x"')).toBe('"x"');
  });

  it('rejects text that is not JSON', () => {
    expect(() => canonicalJsonFromText('{"a": }')).toThrow(SyntaxError);
    expect(() => canonicalJsonFromText('{"a": 1} x')).toThrow(/trailing/);
    expect(() => canonicalJsonFromText('"open')).toThrow(/unterminated/);
  });
});

describe('sha256Hex', () => {
  it('hashes UTF-8', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
