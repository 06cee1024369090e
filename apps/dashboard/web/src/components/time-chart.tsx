import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../lib/theme';

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour, e.g. `--chart-1`. */
  color: string;
  dashed?: boolean;
  fill?: boolean;
}

export interface TimeChartProps {
  title: string;
  series: ChartSeries[];
  /** `[x (unix seconds), ...one array per series]`. */
  data: (number | null)[][];
  format: (value: number) => string;
  /** A fixed y range, e.g. `[0, 100]` for percentages. */
  yRange?: [number, number];
  /** Byte values: ticks at powers of two (1, 2, 4 GiB) instead of 9 and 19 GiB. */
  binary?: boolean;
  height?: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex?.[1]) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const BINARY_INCREMENTS = Array.from({ length: 60 }, (_, n) => 2 ** n);
const pad = (n: number): string => String(n).padStart(2, '0');

/** Tick labels: clock times within two days, dates beyond (uPlot's defaults crowd a narrow chart). */
function timeTicks(_u: uPlot, splits: number[]): string[] {
  const first = splits[0] ?? 0;
  const span = (splits.at(-1) ?? first) - first;
  return splits.map((seconds) => {
    const date = new Date(seconds * 1000);
    const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (span <= 600) return `${clock}:${pad(date.getSeconds())}`;
    if (span <= 2 * 86_400) return clock;
    return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  });
}

function options(props: TimeChartProps, width: number): uPlot.Options {
  const text = cssVar('--text-muted');
  const grid = cssVar('--grid');
  const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(values ? { values } : {}),
  });
  return {
    width,
    height: props.height ?? 200,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: { x: { time: true }, y: props.yRange ? { range: props.yRange } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      axis(timeTicks),
      {
        ...axis((_u, splits) => splits.map((v) => (v === null ? '' : props.format(v)))),
        size: 70,
        ...(props.binary ? { incrs: BINARY_INCREMENTS } : {}),
      },
    ],
    series: [
      {},
      ...props.series.map((s) => {
        const color = cssVar(s.color);
        return {
          label: s.label,
          stroke: color,
          width: 1.5,
          ...(s.dashed ? { dash: [6, 4] } : {}),
          ...(s.fill ? { fill: withAlpha(color, 0.12) } : {}),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.format(v)),
        };
      }),
    ],
  };
}

/**
 * A uPlot time series. Rebuilt when the theme or the series change (colours
 * come from CSS variables); new data is handed to the existing chart.
 */
export function TimeChart(props: TimeChartProps) {
  const { theme } = useTheme();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const seriesKey = props.series.map((s) => `${s.label}:${s.color}`).join('|');

  useEffect(() => {
    const element = host.current;
    if (!element) return undefined;
    const plot = new uPlot(options(latest.current, Math.max(200, element.clientWidth)), latest.current.data as uPlot.AlignedData, element);
    chart.current = plot;
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, element.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height: latest.current.height ?? 200 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [theme, seriesKey]);

  useEffect(() => {
    chart.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  const points = props.data[0]?.length ?? 0;
  return (
    <figure className="chart card" data-chart={props.title} data-points={points}>
      <figcaption className="chart-title">{props.title}</figcaption>
      <div ref={host} className="chart-canvas" />
    </figure>
  );
}
