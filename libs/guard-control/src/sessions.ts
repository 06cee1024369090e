import type pg from 'pg';

export interface SessionState {
  suspended: boolean;
  reason: string | null;
  consecutiveDenials: number;
}

/**
 * Runaway protection: a session that is denied N times in a row is
 * suspended until an operator resumes it. Any allowed or approved command
 * resets the count.
 */
export class SessionGuard {
  constructor(
    private readonly pool: pg.Pool,
    private readonly maxConsecutiveDenials: number,
  ) {}

  async state(sessionId: string): Promise<SessionState> {
    const result = await this.pool.query<{ suspended_at: Date | null; suspended_reason: string | null; consecutive_denials: number }>(
      'select suspended_at, suspended_reason, consecutive_denials from guard_session where id = $1',
      [sessionId],
    );
    const row = result.rows[0];
    return row
      ? { suspended: row.suspended_at !== null, reason: row.suspended_reason, consecutiveDenials: row.consecutive_denials }
      : { suspended: false, reason: null, consecutiveDenials: 0 };
  }

  /** Counts a denial; returns the new state (suspended once the limit is reached). */
  async recordDenial(sessionId: string, caller: string): Promise<SessionState> {
    const result = await this.pool.query<{ consecutive_denials: number; suspended_at: Date | null; suspended_reason: string | null }>(
      `insert into guard_session (id, caller, consecutive_denials) values ($1, $2, 1)
       on conflict (id) do update set consecutive_denials = guard_session.consecutive_denials + 1, updated_at = now()
       returning consecutive_denials, suspended_at, suspended_reason`,
      [sessionId, caller],
    );
    const row = result.rows[0] as { consecutive_denials: number; suspended_at: Date | null; suspended_reason: string | null };
    if (row.suspended_at === null && row.consecutive_denials >= this.maxConsecutiveDenials) {
      const reason = `${row.consecutive_denials} denied commands in a row`;
      await this.pool.query(
        `update guard_session set suspended_at = now(), suspended_reason = $2, resumed_by = null, resumed_at = null
         where id = $1 and suspended_at is null`,
        [sessionId, reason],
      );
      return { suspended: true, reason, consecutiveDenials: row.consecutive_denials };
    }
    return { suspended: row.suspended_at !== null, reason: row.suspended_reason, consecutiveDenials: row.consecutive_denials };
  }

  async recordSuccess(sessionId: string, caller: string): Promise<void> {
    await this.pool.query(
      `insert into guard_session (id, caller) values ($1, $2)
       on conflict (id) do update set consecutive_denials = 0, updated_at = now()`,
      [sessionId, caller],
    );
  }

  /** Operator action; returns false when the session was not suspended. */
  async resume(sessionId: string, operator: string): Promise<boolean> {
    const result = await this.pool.query(
      `update guard_session set suspended_at = null, suspended_reason = null, consecutive_denials = 0,
         resumed_by = $2, resumed_at = now(), updated_at = now()
       where id = $1 and suspended_at is not null`,
      [sessionId, operator],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async suspended(): Promise<{ id: string; caller: string; reason: string | null; since: string }[]> {
    const result = await this.pool.query<{ id: string; caller: string; suspended_reason: string | null; suspended_at: Date }>(
      'select id, caller, suspended_reason, suspended_at from guard_session where suspended_at is not null order by suspended_at',
    );
    return result.rows.map((r) => ({ id: r.id, caller: r.caller, reason: r.suspended_reason, since: r.suspended_at.toISOString() }));
  }
}
