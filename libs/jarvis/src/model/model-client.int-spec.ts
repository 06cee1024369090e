import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOpenAiFake, type OpenAiFake } from '@homelab/testing';
import { ModelAbortedError } from './model-errors.js';
import { JarvisModelClient, type ModelSettings } from './model-client.js';
import { ModelStatusProbe } from './model-status.js';

// Real: the `openai` client over HTTP. Fake: the OpenAI-compatible server
// (libs/testing), which streams chunks the way OpenAI does.
const tool = { type: 'function' as const, function: { name: 'run_command', description: 'runs', parameters: { type: 'object' } } };
const ask = { messages: [{ role: 'user' as const, content: 'hello' }], tools: [tool] };

describe('JarvisModelClient against an OpenAI-compatible fake', () => {
  let fake: OpenAiFake;
  const client = (over: Partial<ModelSettings> = {}) => new JarvisModelClient({ baseUrl: fake.baseUrl, model: 'fake-model', timeoutMs: 2000, maxRetries: 0, ...over });
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    fake = await startOpenAiFake();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('streams text piece by piece and sends the model, messages and tools', async () => {
    fake.setScript(() => ({ text: 'The disk is 42% full.', chunkSize: 3 }));
    const pieces: string[] = [];
    const reply = await client().streamReply(ask, { signal: signal(), onText: (t) => pieces.push(t) });
    expect(reply).toEqual({ content: 'The disk is 42% full.', toolCalls: [], finishReason: 'stop' });
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(reply.content);
    const sent = fake.requests.at(-1);
    expect(sent).toMatchObject({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'hello' }] });
    expect(sent?.tools[0]?.function.name).toBe('run_command');
  });

  it('assembles tool calls whose arguments arrive in many chunks', async () => {
    fake.setScript(() => ({
      text: 'Checking.',
      toolCalls: [
        { id: 'call_a', name: 'run_command', arguments: { host: 'local', command: 'df -h /var/lib/docker' } },
        { id: 'call_b', name: 'list_containers', arguments: '{}' },
      ],
    }));
    const reply = await client().streamReply(ask, { signal: signal() });
    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.toolCalls).toEqual([
      { id: 'call_a', name: 'run_command', arguments: '{"host":"local","command":"df -h /var/lib/docker"}' },
      { id: 'call_b', name: 'list_containers', arguments: '{}' },
    ]);
  });

  it('leaves out the tools field when none are offered', async () => {
    fake.setScript(() => ({ text: 'ok' }));
    await client().streamReply({ messages: ask.messages, tools: [] }, { signal: signal() });
    expect(fake.requests.at(-1)?.body).not.toHaveProperty('tools');
  });

  it('says plainly that nothing listens, naming where it looked', async () => {
    const port = await freePort();
    const down = new JarvisModelClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'llama3.1', timeoutMs: 2000, maxRetries: 0 });
    await expect(down.streamReply(ask, { signal: signal() })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: `No model could be reached at http://127.0.0.1:${port}/v1 (model "llama3.1"): connection refused (nothing listens there). Start the model server (e.g. Ollama) or set JARVIS_MODEL_BASE_URL.`,
    });
  });

  it('reports a server error with its status and message', async () => {
    fake.setScript(() => ({ fail: { status: 503, message: 'model is loading' } }));
    await expect(client().streamReply(ask, { signal: signal() })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/failed \(HTTP 503\): model is loading/),
    });
  });

  it('gives up on a model that never answers, after the timeout', async () => {
    fake.setScript(() => ({ hang: true }));
    const started = Date.now();
    await expect(client({ timeoutMs: 300 }).streamReply(ask, { signal: signal() })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/did not answer within 0\.3 s\.$/),
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('notices a stream that stalls mid-answer', async () => {
    fake.setScript(() => ({ text: 'a long answer that stalls', stallAfterChunks: 3 }));
    const pieces: string[] = [];
    await expect(client({ timeoutMs: 300 }).streamReply(ask, { signal: signal(), onText: (t) => pieces.push(t) })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/stopped answering/),
    });
    expect(pieces.length).toBeGreaterThan(0);
  });

  it('reports a stream that breaks off mid-answer', async () => {
    fake.setScript(() => ({ text: 'this answer is cut short', dropAfterChunks: 3 }));
    await expect(client().streamReply(ask, { signal: signal() })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/broke off|could be reached/),
    });
  });

  it('stops when asked, while streaming', async () => {
    fake.setScript(() => ({ text: 'x'.repeat(400), chunkSize: 1, chunkDelayMs: 5 }));
    const stop = new AbortController();
    let seen = 0;
    const reply = client().streamReply(ask, {
      signal: stop.signal,
      onText: () => {
        if (++seen === 5) stop.abort();
      },
    });
    await expect(reply).rejects.toBeInstanceOf(ModelAbortedError);
    expect(seen).toBeLessThan(50);
  });

  it('never lets the API key into an error, even when the server echoes it', async () => {
    const guarded = await startOpenAiFake({ apiKey: 'the-right-key-0123456789' });
    try {
      const secret = 'sk-wrong-key-abcdefghijklmnop';
      const wrong = new JarvisModelClient({ baseUrl: guarded.baseUrl, model: 'fake-model', apiKey: secret, timeoutMs: 2000, maxRetries: 0 });
      const error = (await wrong.streamReply(ask, { signal: signal() }).catch((e: unknown) => e)) as Error & { code: string; details?: unknown };
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toMatch(/refused the API key \(HTTP 401\)/);
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(secret);
      expect(error.message).toContain('[redacted]');
      expect(guarded.requests).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('does not hang on a port that accepts and never speaks HTTP', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const mute = new JarvisModelClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', timeoutMs: 300, maxRetries: 0 });
      await expect(mute.streamReply(ask, { signal: signal() })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    } finally {
      silent.close();
    }
  });
});

describe('ModelStatusProbe', () => {
  let fake: OpenAiFake;
  beforeAll(async () => {
    fake = await startOpenAiFake({ models: ['llama3.1:latest', 'qwen2.5'] });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('is reachable when the server lists the model, and asks at most once per cache period', async () => {
    const probe = new ModelStatusProbe(new JarvisModelClient({ baseUrl: fake.baseUrl, model: 'llama3.1', timeoutMs: 1000 }), { cacheMs: 60_000 });
    expect(probe.last().checkedAt).toBeNull();
    const before = fake.modelListRequests;
    const [a, b] = await Promise.all([probe.status(), probe.status()]);
    await probe.status();
    expect(a).toEqual(b);
    expect(a).toMatchObject({ baseUrl: fake.baseUrl, model: 'llama3.1', reachable: true, error: null, checkedAt: expect.any(String) });
    expect(fake.modelListRequests - before).toBe(1);
    probe.invalidate();
    await probe.status();
    expect(fake.modelListRequests - before).toBe(2);
  });

  it('says which models exist when the configured one is missing', async () => {
    const probe = new ModelStatusProbe(new JarvisModelClient({ baseUrl: fake.baseUrl, model: 'mistral', timeoutMs: 1000 }));
    expect(await probe.status()).toMatchObject({ reachable: false, error: expect.stringMatching(/does not offer model "mistral" \(it offers: llama3\.1:latest, qwen2\.5\)/) });
  });

  it('is unreachable, with the reason, when the server fails or hangs', async () => {
    const client = new JarvisModelClient({ baseUrl: fake.baseUrl, model: 'qwen2.5', timeoutMs: 1000, probeTimeoutMs: 200 });
    const probe = new ModelStatusProbe(client, { cacheMs: 0 });
    fake.setModelsFailure(500);
    expect(await probe.status()).toMatchObject({ reachable: false, error: expect.stringMatching(/failed \(HTTP 500\)/) });
    fake.setModelsFailure('hang');
    const started = Date.now();
    expect(await probe.status()).toMatchObject({ reachable: false, error: expect.stringMatching(/did not answer/) });
    expect(Date.now() - started).toBeLessThan(2000);
    fake.setModelsFailure(undefined);
    expect(await probe.status()).toMatchObject({ reachable: true, error: null });
  });

  it('shows the base URL without credentials', async () => {
    const probe = new ModelStatusProbe(new JarvisModelClient({ baseUrl: fake.baseUrl.replace('http://', 'http://user:pw@'), model: 'qwen2.5', timeoutMs: 1000 }));
    const status = await probe.status();
    expect(status.baseUrl).toBe(fake.baseUrl);
    expect(JSON.stringify(status)).not.toContain('pw');
  });
});
