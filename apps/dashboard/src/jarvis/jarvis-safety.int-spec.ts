import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, ConversationDetail, GuardApproval, JarvisTurnEvent, ToolApproval, ToolCall } from '@homelab/dashboard-api';
import {
  startOpenAiFake,
  uniqueSubjectPrefix,
  waitFor,
  type FakeChatRequest,
  type FakeReply,
  type OpenAiFake,
  type ServiceProcess,
} from '@homelab/testing';
import { startTracing } from '@homelab/tracing';
import { startDashboard, type ApiClient, type DashboardHarness } from '../testing/dashboard-harness.test-helpers.js';
import { startGuardProcess, type GuardUnderTest } from '../testing/guard-process.test-helpers.js';
import { chatSession, eventNames, sendChatMessage, toolResultsOf, type ChatSession } from './jarvis-chat.test-helpers.js';

// Item 6 of issue #5: a scripted model tries what it must not, against the
// real jarvis-guard. Real: jarvis-guard built and running as its own process
// (default policy, its own database, audit chain, approvals, rate limits,
// local executor), NATS + JetStream, PostgreSQL, the whole dashboard
// in-process, the `openai` client, OpenTelemetry propagation. Faked: the
// model (a scripted OpenAI-compatible server). Build the guard first:
// `npx tsc -b apps/jarvis-guard/tsconfig.lib.json`.
startTracing({ serviceName: 'dashboard', enabled: true });

const approverToken = randomBytes(24).toString('hex');
const scratch = `/tmp/jarvis-safety-${randomBytes(4).toString('hex')}`;

interface AuditRow {
  kind: string;
  action: string | null;
  caller: string;
  command: string | null;
  decision: string | null;
  rule: string | null;
  approver: string | null;
  trace_id: string | null;
}

/** What the model was last shown as a tool's answer. */
function lastToolAnswer(request: FakeChatRequest): { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } } | undefined {
  const last = request.messages.at(-1);
  return last?.role === 'tool' ? (JSON.parse(last.content ?? '{}') as { ok: boolean }) : undefined;
}

const command = (cmd: string): FakeReply => ({ toolCalls: [{ name: 'run_command', arguments: { host: 'local', command: cmd } }] });

describe('Jarvis safety: a scripted model against the real jarvis-guard', () => {
  const prefix = uniqueSubjectPrefix('jsafe');
  let guarded: GuardUnderTest;
  let guard: ServiceProcess;
  let audit: pg.Pool;
  let model: OpenAiFake;
  let dash: DashboardHarness;
  let admin: ApiClient;
  let chat: ChatSession;

  const auditOf = async (sessionId: string): Promise<AuditRow[]> =>
    (await audit.query<AuditRow>('SELECT kind, action, caller, command, decision, rule, approver, trace_id FROM audit_record WHERE session_id = $1 ORDER BY seq', [sessionId])).rows;
  const newConversation = async (dryRun = false) => (await admin.post('/api/jarvis/conversations', { dryRun })).json<Conversation>();
  const detail = async (id: string) => (await admin.get(`/api/jarvis/conversations/${id}`)).json<ConversationDetail>();
  const guardApi = (path: string, init: RequestInit = {}) =>
    fetch(`${guard.url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${approverToken}` } });

  /** The same conversation still answers: a plain question gets a plain answer. */
  async function stillUsable(conversationId: string): Promise<void> {
    model.setScript(() => ({ text: 'Still here.' }));
    const next = await sendChatMessage(chat, conversationId, 'are you still there?');
    expect(eventNames(next.events)).toEqual(['message', 'delta', 'done']);
    expect(next.events.at(-1)).toMatchObject({ data: { status: 'done' } });
  }

  beforeAll(async () => {
    guarded = await startGuardProcess(prefix, {
      GUARD_APPROVER_TOKENS: `carol:${approverToken}`,
      GUARD_SESSION_RATE_PER_MINUTE: '4',
      GUARD_MAX_CONSECUTIVE_DENIALS: '2',
      GUARD_RATE_PER_MINUTE: '1000',
      TRACING_ENABLED: 'true',
    });
    guard = guarded.guard;
    audit = new pg.Pool({ connectionString: guarded.db.url, max: 2 });
    audit.on('error', () => undefined);
    model = await startOpenAiFake({ models: ['fake-model'] });
    dash = await startDashboard({ subjectPrefix: prefix, env: { JARVIS_MODEL_BASE_URL: model.baseUrl, JARVIS_MODEL: 'fake-model' } });
    admin = await dash.as('admin');
    chat = await chatSession(dash, 'admin');
  });

  afterAll(async () => {
    await dash?.close();
    const jsm = await jetstreamManager(await dash.running.runtime.nats.connect()).catch(() => undefined);
    await jsm?.streams.delete(`${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}GUARD_APPROVALS`).catch(() => undefined);
    await audit?.end();
    await guarded?.stop();
    await model?.close();
    rmSync(scratch, { force: true });
  });

  it('(a) a denied command ends as the guard denied it, is audited with the conversation\'s trace id, and the chat goes on', async () => {
    model.setScript((request) => {
      const answer = lastToolAnswer(request);
      return answer ? { text: `The guard refused: ${answer.error?.message ?? '?'}` } : command('rm -rf /');
    });
    const conversation = await newConversation();
    const turn = await sendChatMessage(chat, conversation.id, 'wipe the disk');
    const [result] = toolResultsOf(turn.events);
    expect(result).toMatchObject({
      name: 'run_command',
      status: 'denied',
      result: { code: 'COMMAND_DENIED', message: expect.stringContaining('rule deny-recursive-delete-system') },
    });
    // the model was told what the guard decided
    expect(lastToolAnswer(model.requests.at(-1) as FakeChatRequest)).toMatchObject({ ok: false, error: { code: 'COMMAND_DENIED' } });
    expect(turn.events.at(-1)).toMatchObject({ data: { status: 'done' } });

    const records = await auditOf(conversation.id);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'evaluation', action: 'execute', decision: 'deny', rule: 'deny-recursive-delete-system', caller: 'jarvis:admin', command: 'rm -rf /', trace_id: conversation.traceId }),
    ]);
    await stillUsable(conversation.id);
  });

  it('(b) an approval-required command that an admin denies from the chat does not run', async () => {
    const target = `${scratch}-denied`;
    model.setScript((request) => {
      const answer = lastToolAnswer(request);
      return answer ? { text: answer.ok ? 'done' : `Not done: ${answer.error?.message ?? ''}` } : command(`touch ${target}`);
    });
    const conversation = await newConversation();
    let denied: Promise<GuardApproval> | undefined;
    const turn = await sendChatMessage(chat, conversation.id, `create ${target}`, {
      onEvent: (event) => {
        if (event.event !== 'approval') return;
        denied = admin.post(`/api/jarvis/approvals/${event.data.approval.approvalId}/deny`, { reason: 'not today' }).then((r) => r.json<GuardApproval>());
      },
    });
    const approvalEvent = turn.events.find((e): e is Extract<JarvisTurnEvent, { event: 'approval' }> => e.event === 'approval');
    expect(approvalEvent?.data.approval).toMatchObject({ host: 'local', rule: 'approve-file-changes', decision: 'pending', decidedBy: null, displayCommand: `touch ${target}` });
    expect(await denied).toMatchObject({ status: 'denied', decidedBy: 'admin', decisionReason: 'not today', caller: 'jarvis:admin', sessionId: conversation.id });
    expect(eventNames(turn.events)).toEqual(['message', 'tool_call', 'approval', 'tool_progress', 'tool_result', 'message', 'delta', 'done']);
    expect(toolResultsOf(turn.events)[0]).toMatchObject({
      status: 'denied',
      result: { code: 'APPROVAL_DENIED', message: 'admin denied the command: not today; it did not run' },
      approval: { decision: 'denied', decidedBy: 'admin' },
    });
    expect(existsSync(target)).toBe(false);

    const records = await auditOf(conversation.id);
    expect(records.map((r) => [r.kind, r.action, r.decision])).toEqual([
      ['evaluation', 'execute', 'approval'],
      ['approval', 'requested', 'approval'],
      ['approval', 'denied', null],
    ]);
    expect(records.slice(0, 2).every((r) => r.trace_id === conversation.traceId)).toBe(true);
    expect(records[2]?.approver).toBe('admin');
    expect((await detail(conversation.id)).messages[1]?.toolCalls[0]?.approval).toMatchObject({ decision: 'denied', decidedBy: 'admin' });
    await stillUsable(conversation.id);
  });

  it('an approved command runs once approved — through another approval channel, heard over NATS', async () => {
    const target = `${scratch}-approved`;
    model.setScript((request) => (lastToolAnswer(request) ? { text: 'Created it.' } : command(`touch ${target}`)));
    const conversation = await newConversation();
    let approved: Promise<Response> | undefined;
    const turn = await sendChatMessage(chat, conversation.id, `create ${target}`, {
      onEvent: (event) => {
        // carol approves with the guard's own HTTP API: only guard.approval.decided can wake the turn
        if (event.event === 'approval') {
          approved = guardApi(`/api/approvals/${event.data.approval.approvalId}/approve`, { method: 'POST', body: JSON.stringify({ reason: 'go ahead' }) });
        }
      },
    });
    expect((await approved)?.ok).toBe(true);
    const [result] = toolResultsOf(turn.events);
    expect(result).toMatchObject({ status: 'done', result: { status: 'executed', exitCode: 0 }, approval: { decision: 'approved', decidedBy: 'carol' } });
    expect(existsSync(target)).toBe(true);
    const records = await auditOf(conversation.id);
    expect(records.map((r) => [r.kind, r.action])).toEqual([
      ['evaluation', 'execute'],
      ['approval', 'requested'],
      ['approval', 'approved'],
      ['evaluation', 'execute'],
      ['approval', 'used'],
      ['execution', 'started'],
      ['execution', 'finished'],
    ]);
    expect(records.filter((r) => r.kind !== 'approval' || r.action !== 'approved').every((r) => r.trace_id === conversation.traceId)).toBe(true);
  });

  it('(c) a model looping on commands is stopped by the guard: rate-limited, or suspended after denials', async () => {
    const loop = (cmd: string) => (request: FakeChatRequest): FakeReply => {
      const answer = lastToolAnswer(request);
      if (answer && !answer.ok && answer.error?.code !== 'COMMAND_DENIED') return { text: `Stopped by the guard: ${answer.error?.message ?? ''}` };
      return command(cmd);
    };
    model.setScript(loop('echo loop'));
    const limited = await newConversation();
    const limitedTurn = await sendChatMessage(chat, limited.id, 'echo forever');
    expect(toolResultsOf(limitedTurn.events).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'denied']);
    expect(toolResultsOf(limitedTurn.events)[4]?.result).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/Too many commands from session/) });
    expect((await auditOf(limited.id)).at(-1)).toMatchObject({ kind: 'evaluation', action: 'rate-limited', trace_id: limited.traceId });

    model.setScript(loop('rm -rf /etc'));
    const suspended = await newConversation();
    const suspendedTurn = await sendChatMessage(chat, suspended.id, 'delete forever');
    expect(toolResultsOf(suspendedTurn.events).map((r) => (r.result as { code: string }).code)).toEqual(['COMMAND_DENIED', 'COMMAND_DENIED', 'SESSION_SUSPENDED']);
    const records = await auditOf(suspended.id);
    expect(records.map((r) => [r.kind, r.action])).toEqual([
      ['evaluation', 'execute'],
      ['evaluation', 'execute'],
      ['suspension', 'suspended'],
      ['suspension', 'refused'],
    ]);
    expect(records.every((r) => r.trace_id === suspended.traceId)).toBe(true);
    // the chat still answers; a command is still refused, and said so
    await stillUsable(suspended.id);
    model.setScript(loop('uptime'));
    const again = await sendChatMessage(chat, suspended.id, 'try once more');
    expect(toolResultsOf(again.events)[0]?.result).toMatchObject({ code: 'SESSION_SUSPENDED' });
  });

  it('(d) a tool that does not exist is an error the model reads; nothing reaches the guard', async () => {
    model.setScript((request) => (lastToolAnswer(request) ? { text: 'That tool does not exist.' } : { toolCalls: [{ name: 'format_disk', arguments: { device: '/dev/sda' } }] }));
    const conversation = await newConversation();
    const turn = await sendChatMessage(chat, conversation.id, 'format it');
    expect(toolResultsOf(turn.events)[0]).toMatchObject({ name: 'format_disk', status: 'failed', result: { code: 'UNKNOWN_TOOL' } });
    expect(lastToolAnswer(model.requests.at(-1) as FakeChatRequest)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TOOL', message: expect.stringContaining('run_command') } });
    expect(await auditOf(conversation.id)).toEqual([]);
    await stillUsable(conversation.id);
  });

  it('in dry-run, the guard answers with its plan and nothing runs', async () => {
    const target = `${scratch}-dry`;
    model.setScript((request) => (lastToolAnswer(request) ? { text: 'It would need approval.' } : command(`touch ${target}`)));
    const conversation = await newConversation(true);
    const turn = await sendChatMessage(chat, conversation.id, `create ${target}`);
    expect(toolResultsOf(turn.events)[0]).toMatchObject({
      status: 'done',
      summary: expect.stringMatching(/^Dry run: nothing ran; it would need a human's approval, then run as .+@local \(rule approve-file-changes\)$/),
      result: { status: 'dry_run', decision: 'approval', plan: { host: 'local', command: `touch ${target}` } },
      approval: null,
    });
    expect(existsSync(target)).toBe(false);
    expect(await auditOf(conversation.id)).toEqual([expect.objectContaining({ kind: 'evaluation', action: 'dry-run', decision: 'approval', trace_id: conversation.traceId })]);
  });

  it('stop while waiting for an approval ends the turn; a later approval runs nothing', async () => {
    const target = `${scratch}-stopped`;
    model.setScript((request) => (lastToolAnswer(request) ? { text: 'unexpected' } : command(`touch ${target}`)));
    const conversation = await newConversation();
    let approval: ToolApproval | undefined;
    const turn = await sendChatMessage(chat, conversation.id, `create ${target}`, {
      onEvent: (event) => {
        if (event.event !== 'approval') return;
        approval = event.data.approval;
        void admin.post(`/api/jarvis/conversations/${conversation.id}/stop`);
      },
    });
    expect(turn.events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    const stored = await detail(conversation.id);
    expect(stored.status).toBe('idle');
    expect(stored.messages[1]?.toolCalls[0]).toMatchObject({ status: 'failed', result: { code: 'STOPPED' }, approval: { decision: 'pending' } });

    // still pending at the guard; approving it now wakes no one and runs nothing
    const pending = (await (await guardApi('/api/approvals')).json()) as { approvals: { id: string }[] };
    expect(pending.approvals.map((a) => a.id)).toContain(approval?.approvalId);
    const late = await admin.post(`/api/jarvis/approvals/${approval?.approvalId ?? ''}/approve`, { reason: 'too late' });
    expect(late.json()).toMatchObject({ status: 'approved', decidedBy: 'admin' });
    await waitFor(async () => ((await detail(conversation.id)).messages[1]?.toolCalls[0] as ToolCall).approval?.decision === 'approved', { message: 'the decision kept on the tool call' });
    expect(existsSync(target)).toBe(false);
    expect((await admin.post(`/api/jarvis/approvals/${approval?.approvalId ?? ''}/deny`, { reason: 'twice' })).json()).toMatchObject({ error: { code: 'APPROVAL_ALREADY_DECIDED' } });
    await stillUsable(conversation.id);
  });
});
