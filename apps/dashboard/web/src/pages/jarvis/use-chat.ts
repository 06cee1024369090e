import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiPath, ApiError, errorMessage, openEventStream } from '../../api/client';
import { readEventStream } from '../../api/sse';
import type { Conversation, GuardApproval, ToolApproval } from '../../api/types';
import { applyTurnEvent, pendingUserMessage, toTurnEvent, turnActive, viewOf, type ChatView, type ConversationDetail } from '../../lib/chat-turn';

/** While a turn runs without this page's stream (after a reload, another tab), its stored state is read this often. */
const POLL_MS = 1500;
/** After Stop, the stream normally ends with `done`; past this the page stops reading and shows the stored state. */
const STOP_GRACE_MS = 5000;

export interface Chat {
  view: ChatView | undefined;
  loadError: ApiError | undefined;
  /** This page's own stream of a turn is open. */
  streaming: boolean;
  stopping: boolean;
  /** Resolves true once the dashboard took the message (the answer streams on), false when it refused (said in `view.error`). */
  send: (content: string) => Promise<boolean>;
  stop: () => Promise<void>;
  update: (changes: { title?: string; dryRun?: boolean }) => Promise<Conversation>;
  /** An admin decided an approval: shown at once, before the turn reports back. */
  decided: (toolCallId: string, approval: GuardApproval) => void;
  reload: () => Promise<void>;
}

function decisionOf(status: GuardApproval['status']): ToolApproval['decision'] {
  if (status === 'used') return 'approved';
  return status;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', errorMessage(error));
}

/**
 * One conversation: its stored state, the turn streaming into it (POST +
 * ReadableStream), and polling while a turn runs that this page does not
 * stream (so a reload mid-turn shows the stored state and follows it).
 */
export function useChat(conversationId: string, onModelUnavailable: () => void): Chat {
  const [view, setView] = useState<ChatView | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiError | undefined>(undefined);
  const [streaming, setStreaming] = useState(false);
  const [stopping, setStopping] = useState(false);
  const stream = useRef<AbortController | null>(null);
  const mounted = useRef(true);
  const path = apiPath('jarvis', 'conversations', conversationId);
  const modelUnavailable = useRef(onModelUnavailable);
  modelUnavailable.current = onModelUnavailable;

  const load = useCallback(async () => {
    try {
      const answer = await api.get<ConversationDetail>(path);
      if (!mounted.current || stream.current) return;
      // the stored state replaces what was streamed; the last turn's error stays until the next message
      setView((current) => (current ? { ...current, conversation: answer, streamingId: null, progress: turnActive(answer) ? current.progress : {} } : viewOf(answer)));
      setLoadError(undefined);
    } catch (error) {
      if (mounted.current) setLoadError(asApiError(error));
    }
  }, [path]);

  useEffect(() => {
    mounted.current = true;
    setView(undefined);
    setLoadError(undefined);
    void load();
    return () => {
      mounted.current = false;
      stream.current?.abort();
      stream.current = null;
    };
  }, [load]);

  const conversation = view?.conversation;
  useEffect(() => {
    if (streaming || !conversation || !turnActive(conversation)) return undefined;
    const timer = setTimeout(() => void load(), POLL_MS);
    return () => clearTimeout(timer);
  }, [streaming, conversation, load]);

  const consume = useCallback(
    async (response: Response, controller: AbortController) => {
      try {
        await readEventStream(
          response,
          (frame) => {
            const event = toTurnEvent(frame.event, frame.data);
            if (!event || !mounted.current) return;
            setView((current) => current && applyTurnEvent(current, event));
            if (event.type === 'error' && event.code === 'MODEL_UNAVAILABLE') modelUnavailable.current();
          },
          controller.signal,
        );
      } catch (error) {
        if (!controller.signal.aborted && mounted.current) {
          setView((current) => current && { ...current, error: { code: 'STREAM_DROPPED', message: `The answer’s stream broke off (${errorMessage(error)}). The turn may go on: this page shows its stored state.` } });
        }
      } finally {
        if (stream.current === controller) stream.current = null;
        if (mounted.current) {
          setStreaming(false);
          setStopping(false);
          await load();
        }
      }
    },
    [load],
  );

  const send = useCallback(
    async (content: string): Promise<boolean> => {
      if (stream.current) return false;
      const controller = new AbortController();
      stream.current = controller;
      setStreaming(true);
      const pending = pendingUserMessage(content);
      setView(
        (current) =>
          current && {
            ...current,
            error: null,
            conversation: { ...current.conversation, status: 'running', messages: [...current.conversation.messages, pending] },
          },
      );
      let response: Response;
      try {
        response = await openEventStream(`${path}/messages`, { content }, { signal: controller.signal });
      } catch (error) {
        stream.current = null;
        if (!mounted.current) return false;
        const refusal = asApiError(error);
        setStreaming(false);
        setView(
          (current) =>
            current && {
              ...current,
              error: { code: refusal.code, message: refusal.message },
              conversation: { ...current.conversation, messages: current.conversation.messages.filter((message) => message.id !== pending.id) },
            },
        );
        // 409 TURN_IN_PROGRESS: another tab's turn is running; show it
        void load();
        return false;
      }
      void consume(response, controller);
      return true;
    },
    [path, consume, load],
  );

  const stop = useCallback(async () => {
    setStopping(true);
    try {
      await api.post(`${path}/stop`);
    } catch (error) {
      setStopping(false);
      throw error;
    }
    const controller = stream.current;
    if (!controller) {
      setStopping(false);
      await load();
      return;
    }
    setTimeout(() => {
      if (stream.current === controller) controller.abort();
    }, STOP_GRACE_MS);
  }, [path, load]);

  const update = useCallback(
    async (changes: { title?: string; dryRun?: boolean }) => {
      const answer = await api.patch<Conversation>(path, changes);
      setView((current) => current && { ...current, conversation: { ...current.conversation, ...answer, messages: current.conversation.messages, status: current.conversation.status } });
      return answer;
    },
    [path],
  );

  const decided = useCallback((toolCallId: string, approval: GuardApproval) => {
    setView(
      (current) =>
        current && {
          ...current,
          conversation: {
            ...current.conversation,
            messages: current.conversation.messages.map((message) => ({
              ...message,
              toolCalls: message.toolCalls.map((call) =>
                call.id === toolCallId && call.approval ? { ...call, approval: { ...call.approval, decision: decisionOf(approval.status), decidedBy: approval.decidedBy } } : call,
              ),
            })),
          },
        },
    );
  }, []);

  return { view, loadError, streaming, stopping, send, stop, update, decided, reload: load };
}
