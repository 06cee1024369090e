import type { Pool } from 'pg';

/**
 * Leader election for work exactly one replica must do (a monitor sweep, a
 * backup schedule): whoever holds the named lease does the work, and renews it
 * while alive; a replica that dies loses it after `ttlMs`. Needs the table
 * `job_lease(name text primary key, holder text not null, expires_at timestamptz not null)`
 * in the service's migrations. No connection is held between calls, so it
 * works with the small pool of the embedded database.
 */
export class JobLease {
  constructor(
    private readonly pool: Pool,
    /** Unique per process, e.g. the service's instance id. */
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** True when this holder has (or just took, or renewed) the lease `name`. */
  async acquire(name: string): Promise<boolean> {
    const result = await this.pool.query<{ holder: string }>(
      `insert into job_lease (name, holder, expires_at) values ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where job_lease.holder = excluded.holder or job_lease.expires_at < now()
       returning holder`,
      [name, this.holder, this.ttlMs],
    );
    return result.rows[0]?.holder === this.holder;
  }

  /** Gives the lease up at once (on shutdown), so another replica takes over without waiting. */
  async release(name: string): Promise<void> {
    await this.pool.query('delete from job_lease where name = $1 and holder = $2', [name, this.holder]);
  }

  /** Runs `work` only if this holder has the lease; reports whether it ran. */
  async runIfLeader<T>(name: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (!(await this.acquire(name))) return { ran: false };
    return { ran: true, value: await work() };
  }
}
