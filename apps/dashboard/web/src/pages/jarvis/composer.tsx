import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Spinner } from '../../components/states';

export interface ComposerProps {
  /** Resolves true when the message was taken (the text is cleared), false when refused (the text stays). */
  onSend: (content: string) => Promise<boolean>;
  onStop: () => void;
  /** A turn runs: Stop instead of Send. */
  running: boolean;
  stopping: boolean;
  dryRun: boolean;
  /** Focus the input when shown. */
  autoFocus?: boolean;
}

const MAX_LENGTH = 16_000;

/** The message input: Enter sends, Shift+Enter starts a new line; Stop while a turn runs. */
export function Composer({ onSend, onStop, running, stopping, dryRun, autoFocus }: ComposerProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const send = async (): Promise<void> => {
    const content = text.trim();
    if (content === '' || running || sending) return;
    setSending(true);
    const taken = await onSend(content);
    setSending(false);
    if (taken) setText('');
    input.current?.focus();
  };
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // an input method composing a word uses Enter to confirm it
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void send();
  };

  return (
    <form className={dryRun ? 'composer composer-dry-run' : 'composer'} onSubmit={onSubmit} aria-label="Message Jarvis">
      <textarea
        ref={input}
        className="composer-input"
        aria-label="Message"
        placeholder={dryRun ? 'Ask Jarvis (dry run: commands are only planned)…' : 'Ask Jarvis about your homelab…'}
        value={text}
        maxLength={MAX_LENGTH}
        rows={1}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {running ? (
        <button type="button" className="btn btn-danger-outline composer-button" onClick={onStop} disabled={stopping} data-stop>
          {stopping ? <Spinner /> : <span className="stop-square" aria-hidden="true" />}
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      ) : (
        <button type="submit" className="btn btn-primary composer-button" disabled={sending || text.trim() === ''}>
          {sending ? <Spinner /> : null}
          Send
        </button>
      )}
      <p className="composer-hint muted small">Enter sends · Shift+Enter for a new line</p>
    </form>
  );
}
