import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { Catalog, CatalogProblem, CatalogSourceBody } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorBanner, Loading, Spinner } from '../../components/states';
import { useToast } from '../../components/toast';

function problemsOf(error: ApiError): CatalogProblem[] {
  const problems = error.details?.['problems'];
  return Array.isArray(problems) ? (problems as CatalogProblem[]) : [];
}

/** Puts the caret at the start of `line` (1-based) and scrolls there. */
function goToLine(textarea: HTMLTextAreaElement, line: number): void {
  const lines = textarea.value.split('\n');
  const offset = lines.slice(0, Math.max(0, line - 1)).reduce((sum, text) => sum + text.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0));
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** Edits the catalog file; the server validates it and writes nothing when a problem remains. */
export function CatalogEditor({ onClose, onSaved }: { onClose: () => void; onSaved: (catalog: Catalog) => void }) {
  const toast = useToast();
  const [file, setFile] = useState<string | null>(null);
  const [yaml, setYaml] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiError | undefined>(undefined);
  const [saveError, setSaveError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.get<{ file: string; yaml: string }>('/api/catalog/source').then(
      (answer) => {
        setFile(answer.file);
        setYaml(answer.yaml);
      },
      (error: unknown) => setLoadError(error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', String(error))),
    );
  }, []);

  const save = async (): Promise<void> => {
    if (yaml === undefined) return;
    setBusy(true);
    setSaveError(undefined);
    try {
      const catalog = await api.put<Catalog>('/api/catalog/source', { yaml } satisfies CatalogSourceBody);
      toast.success(`Catalog saved: ${catalog.entries.length} service(s).`);
      onSaved(catalog);
      onClose();
    } catch (error) {
      setSaveError(error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', String(error)));
      setBusy(false);
    }
  };

  const problems = saveError ? problemsOf(saveError) : [];
  const badLines = new Set(problems.map((p) => p.line).filter((line): line is number => line !== null));
  const lineCount = (yaml ?? '').split('\n').length;
  return (
    <Dialog title="Edit the service catalog" onClose={onClose} wide>
      {file ? <p className="muted small mono">{file}</p> : null}
      <ErrorBanner error={loadError} />
      {yaml === undefined && !loadError ? <Loading what="the catalog file" /> : null}
      {yaml !== undefined ? (
        <div className="form">
          <div className="code-editor">
            <div className="code-gutter" ref={gutter} aria-hidden="true">
              {Array.from({ length: lineCount }, (_, index) => (
                <div key={index} className={badLines.has(index + 1) ? 'gutter-line bad' : 'gutter-line'}>
                  {index + 1}
                </div>
              ))}
            </div>
            <textarea
              ref={textarea}
              className="code-input"
              aria-label="Catalog YAML"
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              wrap="off"
              value={yaml}
              onChange={(e) => setYaml(e.target.value)}
              onScroll={(e) => {
                if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
              }}
            />
          </div>
          {saveError ? (
            problems.length > 0 ? (
              <div className="banner banner-bad" role="alert">
                <div className="banner-text">
                  <strong>{saveError.message}</strong> Nothing was saved.
                  <ul className="problems">
                    {problems.map((problem, index) => (
                      <li key={index}>
                        {problem.line !== null ? (
                          <button type="button" className="link" onClick={() => textarea.current && goToLine(textarea.current, problem.line ?? 1)}>
                            line {problem.line}
                          </button>
                        ) : (
                          <span>{problem.index !== null ? `entry ${problem.index + 1}` : 'the file'}</span>
                        )}
                        {problem.name ? <strong> {problem.name}</strong> : null}: {problem.message}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            ) : (
              <ErrorBanner error={saveError} />
            )
          ) : null}
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
              {busy ? <Spinner /> : null}
              Validate and save
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
