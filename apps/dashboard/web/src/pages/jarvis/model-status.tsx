import type { JarvisStatus } from '../../api/types';
import { timeAgo } from '../../lib/format';

/**
 * Said plainly when no model answers: which model, at which address, and
 * why. The chat stays usable (questions wait in the input or fail in words),
 * and nothing else in the dashboard depends on it.
 */
export function ModelStatusBanner({ status }: { status: JarvisStatus | undefined }) {
  if (!status) return null;
  const { model } = status;
  if (model.reachable || (model.checkedAt === null && model.error === null)) return null;
  return (
    <div className="banner banner-warn model-banner" role="alert" data-model-unreachable>
      <div className="banner-text">
        <strong>No model is reachable.</strong> Jarvis tried <code>{model.model}</code> at <code className="break">{model.baseUrl}</code>
        {model.error ? (
          <>
            : <span className="error-message">{model.error}</span>
          </>
        ) : (
          '.'
        )}{' '}
        <span className="muted">
          {model.checkedAt ? `Checked ${timeAgo(model.checkedAt)}. ` : ''}Start the model server (or set JARVIS_MODEL_BASE_URL); the rest of the dashboard works as usual.
        </span>
      </div>
    </div>
  );
}
