import { useState } from 'react';
import { Link } from 'react-router';
import type { ContainerAnalysis, Finding, FindingSeverity } from '../../api/types';
import { Badge } from '../../components/badge';
import { Empty } from '../../components/states';
import { containerLink } from '../../lib/links';

const ORDER: FindingSeverity[] = ['critical', 'warning', 'info'];
const TONE = { critical: 'bad', warning: 'warn', info: 'info' } as const;

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || a.containerName.localeCompare(b.containerName));
}

/** Each finding with the fix that clears it. */
export function FindingList({ findings, showContainer }: { findings: Finding[]; showContainer?: boolean }) {
  if (findings.length === 0) return <Empty title="No findings">The analyzer has nothing to suggest.</Empty>;
  return (
    <ul className="findings">
      {sortFindings(findings).map((finding) => (
        <li key={`${finding.host}/${finding.containerId}/${finding.rule}`} className="finding">
          <div className="finding-head">
            <Badge tone={TONE[finding.severity]}>{finding.severity}</Badge>
            {showContainer ? (
              <Link to={containerLink(finding.host, finding.containerId)} className="finding-container">
                {finding.containerName}
              </Link>
            ) : null}
            <span className="finding-message">{finding.message}</span>
          </div>
          {/* fixes are often compose snippets: keep their lines and indentation */}
          <div className="finding-fix">
            <span className="muted">Fix:</span>
            {finding.fix.includes('\n') ? <pre className="code-block">{finding.fix}</pre> : <span> {finding.fix}</span>}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The analyzer's counts, unfolding into the list. */
export function FindingsPanel({ findings, analyzedAt }: ContainerAnalysis) {
  const [open, setOpen] = useState(false);
  const counts = ORDER.map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const).filter(([, n]) => n > 0);
  return (
    <section className="card findings-panel">
      <button type="button" className="findings-toggle" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
        <span className="findings-title">Analyzer findings</span>
        {counts.length === 0 ? <Badge tone="ok">none</Badge> : counts.map(([severity, n]) => <Badge key={severity} tone={TONE[severity]}>{`${n} ${severity}`}</Badge>)}
        <span className="muted findings-when">analyzed {new Date(analyzedAt).toLocaleTimeString()}</span>
        <span className="chevron" aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      {open ? <FindingList findings={findings} showContainer /> : null}
    </section>
  );
}
