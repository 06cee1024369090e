import type { JarvisModelStatus } from '@homelab/dashboard-api';
import { DomainError } from '@homelab/contracts';
import type { JarvisModelClient } from './model-client.js';

export interface ModelStatusOptions {
  /** How long an answer is reused. Default 15 s. */
  cacheMs?: number;
  now?: () => Date;
}

/**
 * `GET /api/jarvis/status`'s model part: asks `GET /models` with a short
 * timeout, at most once per `cacheMs` (concurrent readers share one check).
 * A server that answers but does not list the configured model is reported
 * too — the chat would fail with it.
 */
export class ModelStatusProbe {
  private cached: { at: number; status: JarvisModelStatus } | undefined;
  private running: Promise<JarvisModelStatus> | undefined;
  private readonly cacheMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: JarvisModelClient,
    options: ModelStatusOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 15_000;
    this.now = options.now ?? (() => new Date());
  }

  /** The last known status without asking (null `checkedAt` before the first check). */
  last(): JarvisModelStatus {
    return this.cached?.status ?? { ...this.client.location, reachable: false, error: null, checkedAt: null };
  }

  async status(): Promise<JarvisModelStatus> {
    if (this.cached && this.now().getTime() - this.cached.at < this.cacheMs) return this.cached.status;
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Forget the cached answer (e.g. a turn just failed to reach the model). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async check(): Promise<JarvisModelStatus> {
    const { baseUrl, model } = this.client.location;
    let reachable = true;
    let error: string | null = null;
    try {
      const models = await this.client.listModels();
      if (models.length > 0 && !models.some((id) => sameModel(id, model))) {
        reachable = false;
        error = `The model server at ${baseUrl} answers but does not offer model "${model}" (it offers: ${models.slice(0, 10).join(', ')}). Set JARVIS_MODEL or pull the model.`;
      }
    } catch (failure) {
      reachable = false;
      error = failure instanceof DomainError ? failure.message : `The model at ${baseUrl} could not be checked.`;
    }
    const checkedAt = this.now();
    const status: JarvisModelStatus = { baseUrl, model, reachable, error, checkedAt: checkedAt.toISOString() };
    this.cached = { at: checkedAt.getTime(), status };
    return status;
  }
}

/** Ollama lists `llama3.1:latest` for `llama3.1`. */
function sameModel(listed: string, wanted: string): boolean {
  return listed === wanted || listed === `${wanted}:latest` || `${listed}:latest` === wanted;
}
