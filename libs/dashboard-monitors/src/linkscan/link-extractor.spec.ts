import { describe, expect, it } from 'vitest';
import { extractLinks } from './link-extractor.js';

const page = new URL('https://site.test/docs/index.html');
const urls = (html: string, at = page): (string | { invalid: string })[] =>
  extractLinks(html, at).map((link) => ('url' in link ? link.url : link));

describe('extractLinks', () => {
  it('finds links, resources and srcset candidates, resolved against the page', () => {
    const html = `
      <a href="about.html">About</a> <A HREF="/top#section">Top</A>
      <img src="img/a.png" srcset="img/a-2x.png 2x, /img/a-3x.png 3x">
      <picture><source srcset="/img/b.webp"></picture>
      <link rel="stylesheet" href="/style.css"><script src="https://cdn.test/app.js"></script>
      <iframe src="//video.test/embed"></iframe><video src="/v.mp4" poster="/v.jpg"></video>`;
    expect(urls(html)).toEqual([
      'https://site.test/docs/about.html',
      'https://site.test/top',
      'https://site.test/docs/img/a.png',
      'https://site.test/docs/img/a-2x.png',
      'https://site.test/img/a-3x.png',
      'https://site.test/img/b.webp',
      'https://site.test/style.css',
      'https://cdn.test/app.js',
      'https://video.test/embed',
      'https://site.test/v.mp4',
      'https://site.test/v.jpg',
    ]);
  });

  it('skips fragments, other schemes, origin hints and duplicates; decodes entities', () => {
    const html = `
      <a href="#top">x</a><a href="mailto:me@site.test">m</a><a href="tel:123">t</a><a href="javascript:void(0)">j</a>
      <img src="data:image/png;base64,AAAA"><link rel="preconnect" href="https://fonts.test"><link rel="dns-prefetch" href="//cdn.test">
      <a href="/a?x=1&amp;y=2">1</a><a href="/a?x=1&y=2#frag">2</a><a href="">empty</a>`;
    expect(urls(html)).toEqual(['https://site.test/a?x=1&y=2']);
  });

  it('honours the first <base href>', () => {
    expect(urls('<base href="https://other.test/root/"><base href="/ignored/"><a href="x">x</a>')).toEqual(['https://other.test/root/x']);
  });

  it('reports text that is not a URL at all', () => {
    expect(urls('<a href="http://[broken">bad</a><a href="ok">ok</a>')).toEqual([{ invalid: 'http://[broken' }, 'https://site.test/docs/ok']);
  });

  it('copes with sloppy HTML like a browser', () => {
    expect(urls('<p><a href=one.html>unquoted<a href="two.html">unclosed')).toEqual(['https://site.test/docs/one.html', 'https://site.test/docs/two.html']);
  });
});
