import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, ConversationDetail, ConversationList, JarvisStatus, JarvisTurnEvent } from '@homelab/dashboard-api';
import {
  freePort,
  selfSignedCertificate,
  startDnsFake,
  startDockerFake,
  startOpenAiFake,
  waitFor,
  type DnsFake,
  type DockerFake,
  type OpenAiFake,
} from '@homelab/testing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { chatSession, eventNames, sendChatMessage, toolResultsOf, type ChatSession } from './jarvis-chat.test-helpers.js';

// Real: the whole dashboard in-process (HTTP, auth, PostgreSQL, NATS), the
// `openai` client, dockerode, the domain checker (node's resolver and TLS).
// Faked: the model (OpenAI-compatible server), Docker (Engine API on a unix
// socket), DNS. No jarvis-guard here: jarvis-safety.int-spec.ts runs one.
describe('Jarvis API', () => {
  let model: OpenAiFake;
  let docker: DockerFake;
  let dns: DnsFake;
  let site: Server;
  let sitePort: number;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let viewer: ApiClient;
  let adminChat: ChatSession;

  // a sensitive variable: read through the secret store, so registered with the redactor
  const apiKey = `sk-test-${'0123456789abcdef'.repeat(2)}`;
  const newConversation = async (client: ApiClient = admin, body: object = {}) => (await client.post('/api/jarvis/conversations', body)).json<Conversation>();

  beforeAll(async () => {
    model = await startOpenAiFake({ models: ['fake-model'], apiKey });
    docker = await startDockerFake();
    docker.seedContainer({ name: 'web', image: 'nginx:1.27', logs: [{ stream: 'stdout', line: `GET / 200 key=${apiKey}` }, { stream: 'stderr', line: 'upstream timed out' }] });
    docker.seedContainer({ name: 'old', image: 'alpine:3.20', running: false });
    dns = await startDnsFake({ 'site.homelab.test': { A: ['127.0.0.1'] } });
    site = createServer(await selfSignedCertificate('site.homelab.test'), (_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as AddressInfo).port;
    dash = await startDashboard({
      env: {
        JARVIS_MODEL_BASE_URL: model.baseUrl,
        JARVIS_MODEL: 'fake-model',
        JARVIS_MODEL_API_KEY: apiKey,
        DOCKER_HOSTS: `local=unix://${docker.socketPath}`,
        DNS_SERVERS: dns.server,
        MONITOR_TIMEOUT_MS: '3000',
      },
    });
    admin = await dash.as('admin');
    viewer = await dash.as('viewer');
    adminChat = await chatSession(dash, 'admin');
  });
  afterAll(async () => {
    await dash?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await Promise.all([model?.close(), docker?.close(), dns?.close()]);
  });

  it('reports the model as reachable and offers each role its tools', async () => {
    const forAdmin = (await admin.get('/api/jarvis/status')).json<JarvisStatus>();
    expect(forAdmin.model).toMatchObject({ baseUrl: model.baseUrl, model: 'fake-model', reachable: true, error: null });
    expect(forAdmin.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['run_command', 'host_metrics', 'list_containers', 'container_logs', 'check_domain']));
    expect(forAdmin.tools.find((t) => t.name === 'run_command')?.readOnly).toBe(false);
    const forViewer = (await viewer.get('/api/jarvis/status')).json<JarvisStatus>();
    expect(forViewer.tools.map((t) => t.name)).not.toContain('run_command');
    expect(forViewer.tools.every((t) => t.readOnly)).toBe(true);
    expect((await (await dash.as('anonymous')).get('/api/jarvis/status')).status).toBe(401);
  });

  it('keeps conversations per user: 404 for someone else\'s, 400 for bad bodies', async () => {
    const mine = await newConversation(admin, { title: 'Disk space', dryRun: true });
    expect(mine).toMatchObject({ title: 'Disk space', dryRun: true, status: 'idle', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const path = `/api/jarvis/conversations/${mine.id}`;
    for (const response of [
      await viewer.get(path),
      await viewer.patch(path, { title: 'stolen' }),
      await viewer.delete(path),
      await viewer.post(`${path}/stop`),
      await viewer.post(`${path}/messages`, { content: 'hi' }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'CONVERSATION_NOT_FOUND' } });
    }
    expect((await viewer.get('/api/jarvis/conversations')).json<ConversationList>().conversations.map((c) => c.id)).not.toContain(mine.id);
    expect((await admin.get('/api/jarvis/conversations')).json<ConversationList>().conversations[0]?.id).toBe(mine.id);
    expect((await admin.patch(path, { title: 'Disk', dryRun: false })).json()).toMatchObject({ title: 'Disk', dryRun: false });

    expect((await admin.post('/api/jarvis/conversations', { title: '' })).json()).toMatchObject({ error: { code: 'JARVIS_REQUEST_INVALID', details: { field: 'title' } } });
    expect((await admin.patch(path, { owner: 'x' })).status).toBe(400);
    expect((await admin.post(`${path}/messages`, { content: '   ' })).json()).toMatchObject({ error: { code: 'JARVIS_REQUEST_INVALID', details: { field: 'content' } } });
    expect((await admin.get('/api/jarvis/conversations/not-a-uuid')).status).toBe(404);

    expect((await admin.delete(path)).status).toBe(204);
    expect((await admin.get(path)).status).toBe(404);
  });

  it('streams a turn in which the model uses the reading tools, and stores it', async () => {
    model.setScript((request) => {
      if (request.messages.at(-1)?.role !== 'user') return { text: 'web is up but its upstream timed out; the certificate is self-signed.' };
      return {
        text: 'Looking.',
        toolCalls: [
          { name: 'list_containers', arguments: { state: 'running' } },
          { name: 'container_logs', arguments: { host: 'local', container: 'web', lines: 10 } },
          { name: 'host_metrics', arguments: {} },
          { name: 'check_domain', arguments: { hostname: 'site.homelab.test', port: sitePort } },
          { name: 'check_domain', arguments: { hostname: 'https://nope/' } },
        ],
      };
    });
    const conversation = await newConversation();
    await waitFor(async () => ((await viewer.get('/api/host-metrics/current')).status === 200 ? true : undefined), { message: 'a first host sample' });
    const turn = await sendChatMessage(adminChat, conversation.id, 'How is web doing?');
    expect(turn.status).toBe(200);
    expect(eventNames(turn.events)).toEqual([
      'message', 'delta',
      'tool_call', 'tool_result', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'tool_call', 'tool_result',
      'message', 'delta', 'done',
    ]);
    const [containers, logs, metrics, domain, badDomain] = toolResultsOf(turn.events);
    expect(containers).toMatchObject({ status: 'done', result: { total: 1, containers: [{ name: 'web', state: 'running' }] } });
    expect(logs).toMatchObject({ status: 'done', summary: '2 lines of web' });
    expect((logs?.result as { lines: string[] }).lines[1]).toMatch(/\[err\] upstream timed out$/);
    // a secret of the dashboard printed in a log reaches neither the chat nor the model
    expect((logs?.result as { lines: string[] }).lines[0]).toMatch(/GET \/ 200 key=\[REDACTED\]$/);
    const toolMessages = model.requests.at(-1)?.messages.filter((m) => m.role === 'tool').map((m) => m.content ?? '') ?? [];
    expect(toolMessages.join('\n')).toContain('key=[REDACTED]');
    expect(JSON.stringify(model.requests.map((r) => r.messages))).not.toContain(apiKey);
    expect(metrics).toMatchObject({ status: 'done', result: { current: { cpuPercent: expect.any(Number) } } });
    expect(domain).toMatchObject({ status: 'done', result: { status: 'down', dns: { addresses: ['127.0.0.1'] }, tls: { authorized: false } } });
    expect(badDomain).toMatchObject({ status: 'failed', result: { code: 'INVALID_HOSTNAME' } });

    const stored = (await admin.get(`/api/jarvis/conversations/${conversation.id}`)).json<ConversationDetail>();
    expect(stored).toMatchObject({ title: 'How is web doing?', status: 'idle' });
    expect(stored.messages.map((m) => [m.role, m.status, m.toolCalls.length])).toEqual([
      ['user', 'done', 0],
      ['assistant', 'done', 5],
      ['assistant', 'done', 0],
    ]);
    expect(stored.messages[1]?.toolCalls).toEqual(toolResultsOf(turn.events));
  });

  it('answers 409 while a turn runs, stops it on request, and keeps going when the browser leaves', async () => {
    model.setScript(() => ({ text: 'slow '.repeat(300), chunkSize: 5, chunkDelayMs: 10 }));
    const conversation = await newConversation();
    const seen: JarvisTurnEvent[] = [];
    const first = sendChatMessage(adminChat, conversation.id, 'talk', { onEvent: (e) => seen.push(e) });
    await waitFor(() => seen.some((e) => e.event === 'delta'), { message: 'the answer streams' });
    const busy = await admin.post(`/api/jarvis/conversations/${conversation.id}/messages`, { content: 'me too' });
    expect(busy.status).toBe(409);
    expect(busy.json()).toMatchObject({ error: { code: 'TURN_IN_PROGRESS' } });
    expect((await admin.get(`/api/jarvis/conversations/${conversation.id}`)).json<ConversationDetail>().status).toBe('running');
    expect((await admin.post(`/api/jarvis/conversations/${conversation.id}/stop`)).status).toBe(204);
    const stopped = await first;
    expect(stopped.events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });

    // the browser goes away mid-answer: the turn goes on and is stored
    model.setScript(() => ({ text: 'complete answer '.repeat(20), chunkSize: 8, chunkDelayMs: 10 }));
    const leave = new AbortController();
    await sendChatMessage(adminChat, conversation.id, 'again', {
      signal: leave.signal,
      onEvent: (e) => {
        if (e.event === 'delta') leave.abort();
      },
    });
    const finished = await waitFor(
      async () => {
        const detail = (await admin.get(`/api/jarvis/conversations/${conversation.id}`)).json<ConversationDetail>();
        return detail.status === 'idle' && detail.messages.length === 4 ? detail : undefined;
      },
      { message: 'the abandoned turn finished' },
    );
    expect(finished.messages[3]).toMatchObject({ status: 'done', content: 'complete answer '.repeat(20) });
  });

  it('guards the approval routes: admins only, a known approval, a reason', async () => {
    const id = '4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09';
    expect((await viewer.post(`/api/jarvis/approvals/${id}/approve`, { reason: 'ok' })).status).toBe(403);
    expect((await admin.post(`/api/jarvis/approvals/${id}/approve`, {})).json()).toMatchObject({ error: { code: 'JARVIS_REQUEST_INVALID', details: { field: 'reason' } } });
    expect((await admin.post('/api/jarvis/approvals/nope/deny', { reason: 'no' })).json()).toMatchObject({ error: { code: 'APPROVAL_NOT_FOUND' } });
    // no jarvis-guard runs in this test
    const offline = await admin.post(`/api/jarvis/approvals/${id}/deny`, { reason: 'no' });
    expect(offline.status).toBe(503);
    expect(offline.json()).toMatchObject({ error: { code: 'GUARD_UNAVAILABLE' } });
  });

  it('tells the model the guard is unreachable when it tries a command, and nothing runs', async () => {
    model.setScript((request) => (request.messages.at(-1)?.role === 'user' ? { toolCalls: [{ name: 'run_command', arguments: { host: 'local', command: 'uptime' } }] } : { text: 'The guard is down.' }));
    const conversation = await newConversation();
    const turn = await sendChatMessage(adminChat, conversation.id, 'uptime?');
    expect(toolResultsOf(turn.events)[0]).toMatchObject({ name: 'run_command', status: 'failed', result: { code: 'GUARD_UNAVAILABLE' } });
    expect(turn.events.at(-1)).toMatchObject({ data: { status: 'done' } });
  });
});

describe('Jarvis without a model', () => {
  let dash: DashboardHarness;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    dash = await startDashboard({ env: { JARVIS_MODEL_BASE_URL: `http://127.0.0.1:${port}/v1`, JARVIS_MODEL: 'llama3.1' } });
  });
  afterAll(async () => {
    await dash?.close();
  });

  it('says so plainly in the status and the chat; the rest of the dashboard works', async () => {
    const admin = await dash.as('admin');
    const status = (await admin.get('/api/jarvis/status')).json<JarvisStatus>();
    expect(status.model).toMatchObject({ reachable: false, error: expect.stringContaining(`No model could be reached at http://127.0.0.1:${port}/v1 (model "llama3.1"): connection refused`) });
    const conversation = (await admin.post('/api/jarvis/conversations', {})).json<Conversation>();
    const turn = await sendChatMessage(await chatSession(dash, 'admin'), conversation.id, 'hello?');
    expect(eventNames(turn.events)).toEqual(['message', 'error', 'done']);
    expect(turn.events[1]).toMatchObject({ data: { code: 'MODEL_UNAVAILABLE', message: expect.stringContaining(`http://127.0.0.1:${port}/v1`) } });
    const stored = (await admin.get(`/api/jarvis/conversations/${conversation.id}`)).json<ConversationDetail>();
    expect(stored.status).toBe('idle');
    expect(stored.messages[1]).toMatchObject({ status: 'failed', error: expect.stringContaining('connection refused') });
    // the conversation stays usable: the next message is taken (and fails the same way, plainly)
    expect(eventNames((await sendChatMessage(await chatSession(dash, 'admin'), conversation.id, 'still?')).events)).toEqual(['message', 'error', 'done']);
    expect((await fetch(`${dash.url}/health`)).status).toBe(200);
    expect((await admin.get('/api/overview')).status).toBe(200);
    expect((await admin.get('/api/services')).status).toBe(200);
  });
});
