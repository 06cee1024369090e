import { Cron } from 'croner';

/**
 * Why a cron expression is not a usable backup schedule, or undefined when it
 * is: five fields (minute precision), in the dashboard's time zone.
 */
export function scheduleProblem(pattern: string): string | undefined {
  try {
    const cron = new Cron(pattern, { paused: true, mode: '5-part' });
    return cron.nextRun() === null ? 'never runs' : undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '');
  }
}

/** When the schedule runs next (after `from`), or null. Any croner pattern (tests use seconds). */
export function nextRunOf(pattern: string | null, from = new Date()): Date | null {
  if (!pattern) return null;
  try {
    return new Cron(pattern, { paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

/** The schedule's most recent run at or before `at`. */
export function lastSlotOf(cron: Cron, at = new Date()): Date | undefined {
  // previousRuns() looks strictly before its reference, but counts a run earlier in the same second
  return cron.previousRuns(1, new Date(at.getTime() + 1))[0];
}
