import type { BrokenLink } from '../domains/domain.types.js';
import { extractLinks } from './link-extractor.js';
import type { FetchOutcome, SiteClient } from './site-client.js';
import { TaskPool } from './task-pool.js';

export interface CrawlOptions {
  start: URL;
  /** HTML pages parsed at most; further same-origin links are still checked, not parsed. */
  maxPages: number;
  /** Distinct URLs checked at most (pages included), so a generated site cannot run forever. */
  maxLinks?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Largest HTML page read (bytes); the rest of a bigger page is not parsed. */
  maxPageBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CrawlProgress) => void;
}

export interface CrawlProgress {
  /** Pages fetched and parsed. */
  pages: number;
  /** Distinct links checked so far. */
  links: number;
  broken: BrokenLink[];
}

export interface CrawlResult extends CrawlProgress {
  /** Why the crawl stopped before covering everything (a limit), or null. */
  limited: string | null;
}

/** The start page itself could not be loaded: nothing was scanned. */
export class CrawlStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrawlStartError';
  }
}

/** The crawl was stopped through its signal (shutdown, deletion, deadline). */
export class CrawlStoppedError extends Error {
  constructor(readonly reason: string) {
    super(`scan stopped: ${reason}`);
    this.name = 'CrawlStoppedError';
  }
}

type Verdict = { ok: true } | { ok: false; status: number | null; error: string | null };

const DEFAULT_MAX_LINKS = 10_000;
const DEFAULT_CONCURRENCY = 6;
const DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024;
/** Pages remembered per broken link; enough to find and fix it. */
const MAX_REFERRERS = 20;
/** Broken-link entries kept (each is a link on one page); the list is stored as one JSON value. */
const MAX_BROKEN = 2000;
const HTML = /^(text\/html|application\/xhtml\+xml)\b/i;

/**
 * 2xx is fine. 429 means "too many requests", a statement about the crawler,
 * not the link, so it is not reported as broken.
 */
function verdictOf(outcome: FetchOutcome): Verdict {
  if (outcome.status !== null && ((outcome.status >= 200 && outcome.status < 300) || outcome.status === 429)) return { ok: true };
  const error = outcome.error ?? (outcome.status !== null ? `HTTP ${outcome.status}` : null);
  return { ok: false, status: outcome.status, error };
}

const stopReason = (signal: AbortSignal | undefined): string => {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'stopped';
};

/**
 * Crawls a static site from `start`: every link found is checked once and
 * each broken one reported with the pages it was found on. Links of the
 * site's own origin are fetched with GET and, when HTML, parsed (up to
 * maxPages); other links get HEAD, then GET (body never read) when HEAD is
 * refused or fails.
 */
export class LinkCrawl {
  private readonly verdicts = new Map<string, Verdict | 'pending'>();
  private readonly referrers = new Map<string, string[]>();
  /** Kept up to date as verdicts and referrers arrive, so progress reports cost nothing. */
  private readonly broken: BrokenLink[] = [];
  private readonly pool: TaskPool;
  /** HTML pages whose body was taken for parsing; the maxPages budget. */
  private pagesTaken = 0;
  private pages = 0;
  private checked = 0;
  private limited: string | null = null;
  private startFailure: string | null = null;
  private unexpected: unknown = null;

  constructor(
    private readonly client: SiteClient,
    private readonly options: CrawlOptions,
  ) {
    this.pool = new TaskPool(options.concurrency ?? DEFAULT_CONCURRENCY, (error) => (this.unexpected ??= error), options.signal);
  }

  async run(): Promise<CrawlResult> {
    const start = new URL(this.options.start.href);
    start.hash = '';
    this.visit(start.href, null);
    await this.pool.idle();
    if (this.options.signal?.aborted) throw new CrawlStoppedError(stopReason(this.options.signal));
    if (this.startFailure !== null) throw new CrawlStartError(this.startFailure);
    if (this.unexpected !== null) throw this.unexpected;
    return { ...this.progress(), limited: this.limited };
  }

  progress(): CrawlProgress {
    return { pages: this.pages, links: this.checked, broken: this.broken };
  }

  private visit(url: string, foundOn: string | null): void {
    if (foundOn !== null) this.addReferrer(url, foundOn);
    if (this.verdicts.has(url)) return;
    if (this.verdicts.size >= (this.options.maxLinks ?? DEFAULT_MAX_LINKS)) {
      this.limited = `stopped after ${this.verdicts.size} links (the link limit)`;
      return;
    }
    this.verdicts.set(url, 'pending');
    // what a URL holds is known only from its answer, so the page budget is spent when an HTML body is taken
    this.pool.add(() => (this.sameOrigin(url) ? this.crawlPage(url, foundOn === null) : this.checkLink(url)));
  }

  private addReferrer(url: string, page: string): void {
    const pages = this.referrers.get(url) ?? [];
    if (pages.length >= MAX_REFERRERS || pages.includes(page)) return;
    pages.push(page);
    this.referrers.set(url, pages);
    const verdict = this.verdicts.get(url);
    if (verdict !== undefined && verdict !== 'pending' && !verdict.ok) this.addBroken({ url, status: verdict.status, error: verdict.error, foundOn: page });
  }

  private sameOrigin(url: string): boolean {
    return new URL(url).origin === this.options.start.origin;
  }

  private async crawlPage(url: string, isStart: boolean): Promise<void> {
    const outcome = await this.client.fetch(new URL(url), {
      method: 'GET',
      maxBodyBytes: this.options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES,
      wantBody: ({ status, headers }) => status >= 200 && status < 300 && HTML.test(headers['content-type'] ?? '') && this.takePage(),
    });
    const verdict = verdictOf(outcome);
    this.settle(url, verdict);
    if (isStart && !verdict.ok) {
      this.startFailure = `the start page ${url} could not be loaded: ${verdict.error ?? 'no answer'}`;
      return;
    }
    if (!verdict.ok || !outcome.body || !HTML.test(outcome.contentType ?? '')) return;
    // a redirect off the site makes the target an external page: checked, not crawled
    if (outcome.finalUrl.origin !== this.options.start.origin) return;
    const finalUrl = new URL(outcome.finalUrl.href);
    finalUrl.hash = '';
    const page = finalUrl.href;
    if (page !== url) {
      // a redirect to a page crawled (or queued) anyway: parse it once, under its own address
      if (this.verdicts.has(page)) return;
      this.verdicts.set(page, { ok: true });
    }
    this.pages += 1;
    for (const link of extractLinks(outcome.body.toString('utf8'), finalUrl)) {
      if ('invalid' in link) this.addBroken({ url: link.invalid, status: null, error: 'not a valid URL', foundOn: page });
      else this.visit(link.url, page);
    }
    this.report();
  }

  private async checkLink(url: string): Promise<void> {
    const target = new URL(url);
    let outcome = await this.client.fetch(target, { method: 'HEAD' });
    // many servers refuse or mishandle HEAD; GET (body not read) is the last word, except after a DNS failure
    if (!verdictOf(outcome).ok && !outcome.dnsFailure && !this.options.signal?.aborted) outcome = await this.client.fetch(target, { method: 'GET' });
    this.settle(url, verdictOf(outcome));
    this.report();
  }

  private settle(url: string, verdict: Verdict): void {
    this.verdicts.set(url, verdict);
    this.checked += 1;
    if (verdict.ok) return;
    for (const foundOn of this.referrers.get(url) ?? []) this.addBroken({ url, status: verdict.status, error: verdict.error, foundOn });
  }

  /** Reserves one page of the budget (synchronously, so concurrent answers cannot overspend it). */
  private takePage(): boolean {
    if (this.pagesTaken < this.options.maxPages) {
      this.pagesTaken += 1;
      return true;
    }
    this.limited ??= `only the first ${this.options.maxPages} pages were crawled (LINK_SCAN_MAX_PAGES)`;
    return false;
  }

  private addBroken(entry: BrokenLink): void {
    if (this.broken.length < MAX_BROKEN) this.broken.push(entry);
    else this.limited = `more than ${MAX_BROKEN} broken links: only the first ${MAX_BROKEN} are listed`;
  }

  private report(): void {
    this.options.onProgress?.(this.progress());
  }
}

/** Crawls with a client made for this crawl, closing its connections afterwards. */
export async function crawlSite(client: SiteClient, options: CrawlOptions): Promise<CrawlResult> {
  try {
    return await new LinkCrawl(client, options).run();
  } finally {
    client.close();
  }
}
