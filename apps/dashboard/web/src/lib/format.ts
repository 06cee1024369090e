const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(Math.round(value)) : value.toFixed(value >= 100 ? 0 : digits);
  return `${bytes < 0 ? '-' : ''}${shown} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond === null || bytesPerSecond === undefined ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)} %`;
}

/** An uptime percentage (0–100): whole numbers at the ends, the decimals that matter near 100. */
export function formatUptime(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  return `${percent >= 99.995 || percent === 0 ? percent.toFixed(0) : percent.toFixed(percent >= 99 ? 2 : 1)} %`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "14:05" (minutes and seconds), "1:02:03" past an hour. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** "3 min ago", "in 2 h"; relative to `now`. */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = (now - at) / 1000;
  if (Math.abs(seconds) < 5) return 'just now';
  const text = formatDuration(Math.abs(seconds));
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString(undefined, { hour12: false });
}

/** `value.toFixed(digits)`, or a dash for a figure the machine could not give. */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** `used / total` in percent; null when either is unknown or the total is 0. */
export function percentOf(used: number | null | undefined, total: number | null | undefined): number | null {
  if (used === null || used === undefined || !total) return null;
  return (used / total) * 100;
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString();
}

/** `0.0.0.0:8080→80/tcp` as `docker ps` shows ports. */
export function formatPort(port: { privatePort: number; publicPort: number | null; protocol: string; ip: string | null }): string {
  const inner = `${port.privatePort}/${port.protocol}`;
  if (port.publicPort === null) return inner;
  const ip = port.ip && port.ip !== '0.0.0.0' && port.ip !== '::' ? `${port.ip}:` : '';
  return `${ip}${port.publicPort}→${inner}`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

/** Colour of a certificate's days left: red at or below `critical`, amber at or below `warn`. */
export function expiryTone(daysLeft: number | null | undefined, warn: number, critical: number): Tone {
  if (daysLeft === null || daysLeft === undefined) return 'muted';
  if (daysLeft <= critical) return 'bad';
  if (daysLeft <= warn) return 'warn';
  return 'ok';
}

export function statusTone(status: string): Tone {
  switch (status) {
    case 'up':
    case 'running':
    case 'healthy':
    case 'ready':
    case 'ok':
    case 'succeeded':
    case 'done':
      return 'ok';
    case 'degraded':
    case 'starting':
    case 'restarting':
    case 'paused':
    case 'creating':
    case 'piling-up':
    case 'warning':
      return 'warn';
    case 'down':
    case 'unreachable':
    case 'unhealthy':
    case 'dead':
    case 'failed':
    case 'stalled':
    case 'critical':
    case 'missing':
      return 'bad';
    case 'info':
      return 'info';
    default:
      return 'muted';
  }
}

/** Plural: `plural(3, 'container')` → "3 containers". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? word : many}`;
}
