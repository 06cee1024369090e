/**
 * A tiny SVG line for tiles: drawn by hand so the overview needs no chart
 * library (uPlot loads only with the host metrics page).
 */
export function Sparkline({ values, max, label, tone = 'accent' }: { values: number[]; max?: number; label: string; tone?: 'accent' | 'alt' }) {
  const width = 120;
  const height = 32;
  if (values.length < 2) return <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: not enough data yet`} />;
  const top = max ?? Math.max(...values, 1);
  const step = width / (values.length - 1);
  const y = (value: number): number => height - 1 - (Math.min(Math.max(value, 0), top) / top) * (height - 2);
  const points = values.map((value, index) => `${(index * step).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  return (
    <svg className={`sparkline sparkline-${tone}`} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <polyline className="sparkline-area" points={`0,${height} ${points} ${width},${height}`} />
      <polyline className="sparkline-line" points={points} />
    </svg>
  );
}
