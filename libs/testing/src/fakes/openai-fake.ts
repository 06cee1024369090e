import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody, sendJson } from './http-helpers.js';

/** A message of a chat request, as the client sent it. */
export interface FakeChatMessage {
  role: string;
  content?: string | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

/** A tool the client offered (`tools[]` of the request). */
export interface FakeToolSpec {
  type: string;
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  tools: FakeToolSpec[];
  stream: boolean;
  headers: IncomingHttpHeaders;
  /** The whole JSON body. */
  body: Record<string, unknown>;
}

export interface FakeToolCall {
  /** Default `call_<n>`. */
  id?: string;
  name: string;
  /** JSON text, or a value that is sent as JSON. Text that is not JSON is sent as it is (a model's mistake). */
  arguments: string | Record<string, unknown>;
}

/** An answer: text and/or tool calls, streamed in pieces. */
export interface FakeAnswer {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Characters per content chunk (default 4); tool-call arguments go in pieces of 8. */
  chunkSize?: number;
  /** Pause between chunks (default 0). */
  chunkDelayMs?: number;
  /** Default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string;
  /** Streaming only: after this many chunks the connection is cut (a model server dying mid-answer). */
  dropAfterChunks?: number;
  /** Streaming only: after this many chunks nothing more is sent, the connection stays open. */
  stallAfterChunks?: number;
  /** Called once the whole answer (with its finish reason and `[DONE]`) has been written. */
  onDelivered?: () => void;
}

/** The fake answers the request with an HTTP error (`{ error: { message, type } }`, as OpenAI does). */
export interface FakeFailure {
  fail: { status: number; message?: string };
}

/** The fake accepts the request and never answers. */
export interface FakeHang {
  hang: true;
}

export type FakeReply = FakeAnswer | FakeFailure | FakeHang;

/** Decides the next answer from the request (its messages and tools); `index` counts chat requests from 0. */
export type FakeScript = (request: FakeChatRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface OpenAiFakeOptions {
  script?: FakeScript;
  /** What `GET /v1/models` lists. Default `['fake-model']`. */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; a wrong key is echoed in the 401, as OpenAI does. */
  apiKey?: string;
}

export interface OpenAiFake {
  /** `http://127.0.0.1:<port>/v1`: the `baseURL` for the openai client. */
  readonly baseUrl: string;
  /** Every chat request so far, in order. */
  readonly requests: FakeChatRequest[];
  /** How many times `/v1/models` was asked. */
  readonly modelListRequests: number;
  setScript(script: FakeScript): void;
  setModels(models: string[]): void;
  /** Makes `/v1/models` fail (status) or hang (`'hang'`), or answer again (`undefined`). */
  setModelsFailure(failure: number | 'hang' | undefined): void;
  /** Cuts every open connection (hanging and stalled requests end). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Say what a test forgot to script, instead of hanging. */
const unscripted: FakeScript = () => ({ fail: { status: 500, message: 'openai-fake: no script for this request' } });

function chunk(model: string, id: string, delta: Record<string, unknown>, finishReason: string | null = null): string {
  const body = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function split(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

const argumentText = (value: FakeToolCall['arguments']): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The frames of a streamed answer: role, content pieces, tool calls (id and name first, then arguments in pieces), finish, `[DONE]`. */
export function streamFrames(model: string, answer: FakeAnswer): string[] {
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  const frames = [chunk(model, id, { role: 'assistant', content: '' })];
  for (const piece of split(answer.text ?? '', answer.chunkSize ?? 4)) frames.push(chunk(model, id, { content: piece }));
  (answer.toolCalls ?? []).forEach((call, index) => {
    frames.push(chunk(model, id, { tool_calls: [{ index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of split(argumentText(call.arguments), 8)) frames.push(chunk(model, id, { tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  const finish = answer.finishReason ?? ((answer.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop');
  frames.push(chunk(model, id, {}, finish));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function completion(model: string, answer: FakeAnswer): Record<string, unknown> {
  const toolCalls = (answer.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    type: 'function',
    function: { name: call.name, arguments: argumentText(call.arguments) },
  }));
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.text ?? (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: answer.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An OpenAI-compatible chat API on 127.0.0.1 for the real `openai` client:
 * `POST /v1/chat/completions` (streamed `text/event-stream` chunks with
 * content and tool-call deltas split across chunks, then `data: [DONE]`, or
 * one JSON answer) and `GET /v1/models`. A script decides each answer from
 * the request; every request is recorded. Failure modes: HTTP errors, a
 * request that never gets an answer, a stream cut or stalled mid-answer.
 */
export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  let script = options.script ?? unscripted;
  let models = options.models ?? ['fake-model'];
  let modelsFailure: number | 'hang' | undefined;
  let modelListRequests = 0;
  const requests: FakeChatRequest[] = [];
  const sockets = new Set<Socket>();

  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (options.apiKey === undefined) return true;
    const given = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (given === options.apiKey) return true;
    sendJson(res, 401, { error: { message: `Incorrect API key provided: ${given}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    return false;
  };

  const stream = async (res: ServerResponse, model: string, answer: FakeAnswer): Promise<void> => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const frames = streamFrames(model, answer);
    for (const [index, frame] of frames.entries()) {
      if (answer.dropAfterChunks !== undefined && index >= answer.dropAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (answer.stallAfterChunks !== undefined && index >= answer.stallAfterChunks) return;
      if (res.destroyed) return;
      res.write(frame);
      if (answer.chunkDelayMs) await sleep(answer.chunkDelayMs);
    }
    res.end();
    answer.onDelivered?.();
  };

  const chat = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: { message: 'The body is not JSON', type: 'invalid_request_error' } });
    }
    const request: FakeChatRequest = {
      model: String(body['model'] ?? ''),
      messages: Array.isArray(body['messages']) ? (body['messages'] as FakeChatMessage[]) : [],
      tools: Array.isArray(body['tools']) ? (body['tools'] as FakeToolSpec[]) : [],
      stream: body['stream'] === true,
      headers: req.headers,
      body,
    };
    const index = requests.length;
    requests.push(request);
    let reply: FakeReply;
    try {
      reply = await script(request, index);
    } catch (error) {
      return sendJson(res, 500, { error: { message: `openai-fake script failed: ${error instanceof Error ? error.message : String(error)}`, type: 'server_error' } });
    }
    if ('hang' in reply) return;
    if ('fail' in reply) return sendJson(res, reply.fail.status, { error: { message: reply.fail.message ?? `HTTP ${reply.fail.status}`, type: 'server_error' } });
    if (request.stream) return stream(res, request.model, reply);
    sendJson(res, 200, completion(request.model, reply));
    reply.onDelivered?.();
  };

  const listModels = (res: ServerResponse): void => {
    modelListRequests++;
    if (modelsFailure === 'hang') return;
    if (modelsFailure !== undefined) return sendJson(res, modelsFailure, { error: { message: `HTTP ${modelsFailure}`, type: 'server_error' } });
    sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'openai-fake' })) });
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake.invalid').pathname;
    if (!authorized(req, res)) return;
    if (req.method === 'GET' && path === '/v1/models') return listModels(res);
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      chat(req, res).catch(() => res.destroy());
      return;
    }
    sendJson(res, 404, { error: { message: `Unknown path ${req.method} ${path}`, type: 'invalid_request_error' } });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get modelListRequests() {
      return modelListRequests;
    },
    setScript: (next) => {
      script = next;
    },
    setModels: (next) => {
      models = next;
    },
    setModelsFailure: (failure) => {
      modelsFailure = failure;
    },
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A script from a list of answers: the n-th chat request gets the n-th
 * answer (the last one repeats).
 */
export function scriptedAnswers(...answers: FakeReply[]): FakeScript {
  return (_request, index) => answers[Math.min(index, answers.length - 1)] ?? { text: '' };
}

/** The last message of a request (e.g. the tool result the model is shown), or undefined. */
export function lastMessage(request: FakeChatRequest): FakeChatMessage | undefined {
  return request.messages.at(-1);
}
