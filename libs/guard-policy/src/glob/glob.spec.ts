import { describe, expect, it } from 'vitest';
import { literalWord, type Word } from '../shell/words.js';
import { compileNameGlob, covers, expandBraces, globToTokens, intersects, NameMatcher, tokensToString } from './glob.js';
import { MAYBE, NO, pathHits, pathToString, wordToPath, YES, type PathPattern } from './paths.js';
import { compilePathGlob } from '../policy/compile.js';

const t = globToTokens;
const glob = (p: string) => compilePathGlob(p);
function one<T>(list: readonly T[]): T {
  const [item] = list;
  if (item === undefined) throw new Error('empty');
  return item;
}
function pathOf(word: Word): PathPattern {
  const path = wordToPath(word);
  if (!path) throw new Error(`no path for ${word.text}`);
  return path;
}
/** An unquoted word (globs and ~ live). */
const unquoted = (value: string): Word => ({ text: value, value, mask: 'u'.repeat(value.length), dynamic: false });
const dynamicWord = (before: string, after: string): Word => ({
  text: `${before}$X${after}`,
  value: `${before}\u0000${after}`,
  mask: `${'u'.repeat(before.length)}d${'u'.repeat(after.length)}`,
  dynamic: true,
});

describe('glob engine', () => {
  it('expands braces', () => {
    expect(expandBraces('/{a,b}/{c,d{e,f}}')).toEqual(['/a/c', '/a/de', '/a/df', '/b/c', '/b/de', '/b/df']);
    expect(expandBraces('x{y}')).toEqual(['x{y}']);
  });

  it('decides whether two globs can match the same path', () => {
    expect(intersects(t('/*'), t('/etc'))).toBe(true);
    expect(intersects(t('/e??'), t('/etc'))).toBe(true);
    expect(intersects(t('/[a-d]*'), t('/etc'))).toBe(false);
    expect(intersects(t('/tmp/*'), t('/etc'))).toBe(false);
    expect(intersects(t('/var/*'), t('/var/lib'))).toBe(true);
    expect(intersects(t('/var/log/*'), t('/var/lib/*'))).toBe(false);
    expect(intersects(t('**/x'), t('/etc/x'))).toBe(true);
    expect(intersects(t('/*'), t('/etc/passwd'))).toBe(false);
    expect(intersects(t('/etc/sh*'), t('/etc/shadow'))).toBe(true);
    expect(intersects(t('**/*.pub'), t('/root/.ssh/id_*'))).toBe(true);
  });

  it('decides containment soundly', () => {
    const pub = one(glob('**/*.pub'));
    expect(covers(pub, t('/home/*/.ssh/id_rsa.pub'))).toBe(true);
    expect(covers(pub, t('/home/*/.ssh/id_*'))).toBe(false);
    const tmp = one(glob('/tmp/**'));
    expect(covers(tmp, t('/tmp/*.log'))).toBe(true);
    expect(covers(tmp, t('/tmp/../etc'))).toBe(true); // tokens are normalised before this is asked
    expect(covers(tmp, t('/*/x'))).toBe(false);
  });

  it('compiles name globs to anchored regular expressions', () => {
    const python = one(compileNameGlob('python*'));
    expect(python.regex.test('python3.11')).toBe(true);
    expect(python.regex.test('xpython')).toBe(false);
    const names = new NameMatcher(['rm', 'mkfs.*', 'LD_*']);
    expect(['rm', 'mkfs.ext4', 'LD_PRELOAD', 'rmdir', 'mkfs'].map((n) => names.matches(n))).toEqual([true, true, true, false, false]);
  });

  it('renders tokens back to glob syntax', () => {
    expect(tokensToString(t('/a/**/b?[!c]*'))).toBe('/a/**/b?[!c]*');
  });
});

describe('path arguments', () => {
  it.each([
    ['/etc/../etc//nginx/./x', '/etc/nginx/x'],
    ['/../..', '/'],
    ['/etc/', '/etc'],
    ['nginx.conf', '**/nginx.conf'],
    ['../../etc', '**/etc'],
    ['.', '**'],
    ['~', '/root | /home/*'],
    ['~/.ssh/id_rsa', '/root/.ssh/id_rsa | /home/*/.ssh/id_rsa'],
    ['~bob/x', '/home/bob/x'],
    ['/{etc,usr}/x', '/etc/x | /usr/x'],
  ])('%s → %s', (value, expected) => {
    expect(pathToString(pathOf(unquoted(value)))).toBe(expected);
  });

  it('drops what comes before an expansion (it may hold ../..)', () => {
    expect(pathToString(pathOf(dynamicWord('/tmp/', '/out')))).toBe('**/out');
    expect(wordToPath(dynamicWord('/tmp/', ''))?.certainty).toBe('uncertain');
  });

  it('leaves quoted glob characters literal', () => {
    expect(wordToPath(literalWord('/etc/*'))?.literal).toBe('/etc/*');
  });

  it('answers yes, maybe or no', () => {
    const system = ['/', '/etc', '/home/*'].flatMap(glob);
    expect(pathHits(pathOf(literalWord('/etc')), system, null)).toBe(YES);
    expect(pathHits(pathOf(unquoted('/*')), system, null)).toBe(YES);
    expect(pathHits(pathOf(unquoted('~')), system, null)).toBe(YES);
    expect(pathHits(pathOf(unquoted('*')), system, null)).toBe(MAYBE);
    expect(pathHits(pathOf(dynamicWord('', '')), system, null)).toBe(MAYBE);
    expect(pathHits(pathOf(literalWord('/tmp/x')), system, null)).toBe(NO);
    const keys = glob('~/.ssh/id_*');
    const except = glob('**/*.pub');
    expect(pathHits(pathOf(unquoted('~/.ssh/id_rsa.pub')), keys, except)).toBe(NO);
    expect(pathHits(pathOf(unquoted('~/.ssh/*')), keys, except)).toBe(YES);
  });
});
