import { problem, type Problem } from './problems.js';

/**
 * A reader for the subset of the NATS server configuration format the
 * deployment uses: `key: value`, `key = value`, `key value`, `key { … }`,
 * arrays `[ … ]` (commas or newlines), quoted strings, `#` and `//`
 * comments. Scalars stay strings; keys are lower-cased (NATS ignores case).
 */
export type NatsValue = string | NatsValue[] | NatsBlock;
export interface NatsBlock {
  [key: string]: NatsValue;
}

export class NatsConfError extends Error {
  override readonly name = 'NatsConfError';
}

const DELIMITERS = new Set([':', '=', '{', '}', '[', ']', ',', ';', '#']);

class Reader {
  private pos = 0;
  constructor(private readonly src: string) {}

  private get ch(): string | undefined {
    return this.src[this.pos];
  }

  private fail(what: string): never {
    const line = this.src.slice(0, this.pos).split('\n').length;
    throw new NatsConfError(`line ${line}: ${what}`);
  }

  private atComment(): boolean {
    return this.ch === '#' || (this.ch === '/' && this.src[this.pos + 1] === '/');
  }

  private skipComment(): void {
    while (this.ch !== undefined && this.ch !== '\n') this.pos++;
  }

  /** Spaces and tabs only: a value ends at the end of its line. */
  private skipInline(): void {
    while (this.ch === ' ' || this.ch === '\t' || this.ch === '\r') this.pos++;
  }

  /** Everything that may separate entries: white space, line breaks, `,`, `;`, comments. */
  private skipSeparators(): void {
    for (;;) {
      if (this.ch !== undefined && /[\s,;]/.test(this.ch)) this.pos++;
      else if (this.atComment()) this.skipComment();
      else return;
    }
  }

  block(close: '}' | undefined): NatsBlock {
    const block: NatsBlock = {};
    for (;;) {
      this.skipSeparators();
      if (this.ch === undefined) {
        if (close) this.fail(`missing "${close}"`);
        return block;
      }
      if (this.ch === close) {
        this.pos++;
        return block;
      }
      const key = this.key();
      this.skipInline();
      if (this.ch === ':' || this.ch === '=') {
        this.pos++;
        this.skipInline();
      }
      block[key] = this.value();
      this.endOfEntry(close);
    }
  }

  private endOfEntry(close: string | undefined): void {
    this.skipInline();
    const ch = this.ch;
    if (ch === undefined || ch === '\n' || ch === ',' || ch === ';' || ch === close || this.atComment()) return;
    this.fail(`unexpected "${ch}" after a value`);
  }

  private key(): string {
    if (this.ch === '"' || this.ch === "'") return this.quoted().toLowerCase();
    const start = this.pos;
    while (this.ch !== undefined && !/\s/.test(this.ch) && !DELIMITERS.has(this.ch)) this.pos++;
    if (this.pos === start) this.fail(`expected a key, found "${this.ch}"`);
    return this.src.slice(start, this.pos).toLowerCase();
  }

  private value(): NatsValue {
    const ch = this.ch;
    if (ch === '{') {
      this.pos++;
      return this.block('}');
    }
    if (ch === '[') {
      this.pos++;
      return this.array();
    }
    if (ch === '"' || ch === "'") return this.quoted();
    return this.bare();
  }

  private array(): NatsValue[] {
    const items: NatsValue[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.ch === undefined) this.fail('missing "]"');
      if (this.ch === ']') {
        this.pos++;
        return items;
      }
      items.push(this.value());
    }
  }

  private quoted(): string {
    const quote = this.ch;
    const start = ++this.pos;
    while (this.ch !== undefined && this.ch !== quote) this.pos += this.ch === '\\' ? 2 : 1;
    if (this.ch === undefined) this.fail('unterminated string');
    return this.src.slice(start, this.pos++);
  }

  private bare(): string {
    const start = this.pos;
    while (this.ch !== undefined && !/[\s,;{}[\]]/.test(this.ch)) this.pos++;
    if (this.pos === start) this.fail(`expected a value, found "${this.ch ?? 'end of file'}"`);
    return this.src.slice(start, this.pos);
  }
}

export function parseNatsConf(text: string): NatsBlock {
  return new Reader(text).block(undefined);
}

function isBlock(value: NatsValue | undefined): value is NatsBlock {
  return typeof value === 'object' && !Array.isArray(value);
}

export function natsBlock(conf: NatsBlock, key: string): NatsBlock | undefined {
  const value = conf[key];
  return isBlock(value) ? value : undefined;
}

function portOf(value: NatsValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /(?:^|:)(\d+)$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

export interface NatsPorts {
  client: number;
  monitor: number | undefined;
  cluster: number | undefined;
}

export function natsPorts(conf: NatsBlock): NatsPorts {
  const cluster = natsBlock(conf, 'cluster');
  return {
    client: portOf(conf['port'] ?? conf['listen']) ?? 4222,
    monitor: portOf(conf['http_port'] ?? conf['http'] ?? conf['monitor_port']),
    cluster: cluster ? portOf(cluster['port'] ?? cluster['listen']) : undefined,
  };
}

/** JetStream with file storage that is fsync'ed on every write. Returns the store directory when present. */
export function checkJetStream(conf: NatsBlock, where: string): { problems: Problem[]; storeDir: string | undefined } {
  const jetstream = natsBlock(conf, 'jetstream');
  if (!jetstream) return { problems: [problem(where, 'JetStream is not enabled with a `jetstream { … }` block')], storeDir: undefined };
  const problems: Problem[] = [];
  const storeDir = jetstream['store_dir'] ?? jetstream['storedir'];
  if (typeof storeDir !== 'string') problems.push(problem(where, 'jetstream.store_dir is not set (file storage needs a persistent directory)'));
  if (jetstream['sync_interval'] !== 'always') {
    problems.push(problem(where, `jetstream.sync_interval must be "always" (found ${JSON.stringify(jetstream['sync_interval'] ?? null)})`));
  }
  return { problems, storeDir: typeof storeDir === 'string' ? storeDir : undefined };
}

/** A cluster whose routes name exactly the expected nodes, on the cluster port. */
export function checkNatsCluster(conf: NatsBlock, where: string, expectedRouteHosts: readonly string[]): Problem[] {
  const cluster = natsBlock(conf, 'cluster');
  if (!cluster) return [problem(where, 'no `cluster { … }` block: the servers do not form a cluster')];
  const problems: Problem[] = [];
  if (typeof cluster['name'] !== 'string') problems.push(problem(where, 'cluster.name is not set (JetStream clustering needs it)'));
  const routes = Array.isArray(cluster['routes']) ? cluster['routes'] : [];
  const port = natsPorts(conf).cluster;
  const hosts = routes.map((route) => {
    try {
      const url = new URL(String(route));
      if (port !== undefined && Number(url.port) !== port) problems.push(problem(where, `route ${String(route)} is not on cluster port ${port}`));
      return url.hostname;
    } catch {
      problems.push(problem(where, `route ${String(route)} is not a URL`));
      return '';
    }
  });
  const missing = expectedRouteHosts.filter((host) => !hosts.includes(host));
  const unknown = hosts.filter((host) => host && !expectedRouteHosts.includes(host));
  if (missing.length > 0) problems.push(problem(where, `cluster.routes lacks ${missing.join(', ')}`));
  if (unknown.length > 0) problems.push(problem(where, `cluster.routes names ${unknown.join(', ')}, which is no node of the cluster`));
  return problems;
}

/** The file a nats-server command line reads: `--config <path>` (or `-c <path>`, not a shell's `-c <script>`). */
export function configPathIn(commandLine: string): string | undefined {
  return (/(?:^|\s)--config[\s=]+(\S+)/.exec(commandLine) ?? /(?:^|\s)-c[\s=]+([./]\S*)/.exec(commandLine))?.[1];
}
