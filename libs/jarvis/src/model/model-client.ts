import OpenAI from 'openai';
import { describeModelFailure, ModelAbortedError, ModelUnavailableError, seconds, type ModelLocation } from './model-errors.js';
import { ToolCallAssembler, type AssembledToolCall } from './tool-call-assembler.js';

export type ModelMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
export type ModelTool = OpenAI.Chat.Completions.ChatCompletionFunctionTool;

export interface ModelSettings {
  /** The OpenAI-compatible API's base URL, e.g. `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged or shown. A local model server needs none. */
  apiKey?: string | undefined;
  /** Longest wait for the answer to begin, and for each next piece of a streamed answer. */
  timeoutMs: number;
  /** Retries of a request that failed before anything streamed (connection, 5xx, 429). Default 1. */
  maxRetries?: number;
  /** How long the reachability check (`GET /models`) waits. Default 3 s. */
  probeTimeoutMs?: number;
}

export interface ModelReply {
  content: string;
  toolCalls: AssembledToolCall[];
  finishReason: string | null;
}

export interface StreamOptions {
  signal: AbortSignal;
  /** Each piece of text as it streams in. */
  onText?: (text: string) => void;
}

/** The base URL as it may be shown: without user:password, query or fragment. */
export function displayBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** `user:password@` of a URL as written, if it has one. */
function userInfoOf(baseUrl: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/@]+)@/i.exec(baseUrl)?.[1];
}

/**
 * Jarvis's side of an OpenAI-compatible chat API (the `openai` client with
 * a configurable base URL): streamed answers with tool calls, and the
 * reachability check. Failures become ModelUnavailableError with a message
 * that says where it looked and why, never holding the API key.
 */
export class JarvisModelClient {
  private readonly client: OpenAI;
  readonly location: ModelLocation;

  private readonly secrets: string[];

  constructor(private readonly settings: ModelSettings) {
    this.location = { baseUrl: displayBaseUrl(settings.baseUrl), model: settings.model };
    this.secrets = [settings.apiKey, userInfoOf(settings.baseUrl)].filter((s): s is string => s !== undefined && s.length >= 4);
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey ?? 'unused',
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries ?? 1,
    });
  }

  /** Removes the API key and any user:password of the base URL from text a server or the network stack produced. */
  readonly scrub = (text: string): string => {
    let clean = text;
    for (const secret of this.secrets) clean = clean.split(secret).join('[redacted]');
    return clean;
  };

  /** Streams one answer: text pieces through `onText`, tool calls assembled at the end. */
  async streamReply(request: { messages: ModelMessage[]; tools: ModelTool[] }, options: StreamOptions): Promise<ModelReply> {
    if (options.signal.aborted) throw new ModelAbortedError();
    const inner = new AbortController();
    const abort = (): void => inner.abort();
    options.signal.addEventListener('abort', abort, { once: true });
    // the client's timeout ends when the answer begins; a stream that stalls later is cut here
    let stalled = false;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        stalled = true;
        inner.abort();
      }, this.settings.timeoutMs);
    };
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.settings.model,
          messages: request.messages,
          stream: true,
          ...(request.tools.length > 0 ? { tools: request.tools } : {}),
        },
        { signal: inner.signal },
      );
      armIdle();
      const reply = await this.collect(stream, options, armIdle);
      // an aborted stream may simply end: what came so far is not the answer
      if (options.signal.aborted) throw new ModelAbortedError();
      if (stalled) throw this.stalledError();
      return reply;
    } catch (error) {
      if (options.signal.aborted) throw new ModelAbortedError();
      if (stalled) throw this.stalledError();
      throw describeModelFailure(error, this.location, this.settings.timeoutMs, this.scrub);
    } finally {
      clearTimeout(idle);
      options.signal.removeEventListener('abort', abort);
    }
  }

  private stalledError(): ModelUnavailableError {
    return new ModelUnavailableError(
      `The model at ${this.location.baseUrl} (model "${this.location.model}") stopped answering for ${seconds(this.settings.timeoutMs)}.`,
    );
  }

  private async collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>, options: StreamOptions, tick: () => void): Promise<ModelReply> {
    const calls = new ToolCallAssembler();
    let content = '';
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      tick();
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const text = choice.delta?.content;
      if (text) {
        content += text;
        options.onText?.(text);
      }
      calls.push(choice.delta?.tool_calls);
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    return { content, toolCalls: calls.finish(), finishReason };
  }

  /** The ids `GET <baseUrl>/models` lists; throws ModelUnavailableError when nothing answers. */
  async listModels(): Promise<string[]> {
    const timeoutMs = this.settings.probeTimeoutMs ?? 3000;
    try {
      const page = await this.client.models.list({ timeout: timeoutMs, maxRetries: 0 });
      return page.data.map((model) => model.id);
    } catch (error) {
      throw describeModelFailure(error, this.location, timeoutMs, this.scrub);
    }
  }
}
