/** What a registered secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Shorter values are not registered: redacting every "admin" or "12345" in
 * every log line would mangle ordinary text and protect little.
 */
export const MIN_REDACTED_LENGTH = 6;

const MAX_CAUSE_DEPTH = 5;

/**
 * Replaces known secret values in text. Every value is also matched in the
 * forms it takes when it ends up in JSON or a URL, so a password embedded in
 * a logged JSON body or connection string is caught too.
 *
 * `redact` runs on every log line, so all values are compiled into a single
 * alternation RegExp (longest first, so a secret containing another secret is
 * removed whole). It is built lazily and rebuilt only after the set changes.
 */
export class Redactor {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Number of distinct strings (including encoded forms) being redacted. */
  get size(): number {
    return this.#values.size;
  }

  /** Registers a secret value; values shorter than {@link MIN_REDACTED_LENGTH} are ignored. */
  register(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_REDACTED_LENGTH) return;
    for (const form of encodedForms(value)) {
      if (!this.#values.has(form)) {
        this.#values.add(form);
        this.#pattern = undefined;
      }
    }
  }

  /** Forgets every registered value (for tests and key-rotation tooling). */
  clear(): void {
    this.#values.clear();
    this.#pattern = undefined;
  }

  redact(text: string): string {
    if (this.#values.size === 0 || text.length === 0) return text;
    return text.replace(this.#compile(), REDACTED);
  }

  /**
   * A copy of `err` safe to log or rethrow: message, stack and causes are
   * redacted; `name` and a string `code` are kept. Non-Error values become an
   * Error describing them.
   */
  redactError(err: unknown): Error {
    return this.#redactError(err, 0);
  }

  #redactError(err: unknown, depth: number): Error {
    if (!(err instanceof Error)) return new Error(this.redact(describe(err)));
    const copy = new Error(this.redact(err.message));
    copy.name = err.name;
    copy.stack = err.stack === undefined ? undefined : this.redact(err.stack);
    const code: unknown = (err as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code });
    if (err.cause !== undefined && depth < MAX_CAUSE_DEPTH) copy.cause = this.#redactError(err.cause, depth + 1);
    return copy;
  }

  #compile(): RegExp {
    if (!this.#pattern) {
      const alternatives = [...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.#pattern;
  }
}

/** The process-wide redactor: the secret store registers into it and the logger redacts with it. */
export const redactor = new Redactor();

function encodedForms(value: string): Set<string> {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(value));
    // application/x-www-form-urlencoded (query strings, form bodies) writes spaces as '+'
    forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  } catch {
    // lone surrogates cannot be URL-encoded, so they never appear in that form
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // circular or BigInt: fall through to String()
  }
  try {
    return String(value);
  } catch {
    return 'non-Error value thrown';
  }
}
