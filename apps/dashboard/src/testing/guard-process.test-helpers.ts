import { createTestDatabase, natsUrl, serviceTestEnv, startServiceProcess, type ServiceProcess, type TestDatabase } from '@homelab/testing';

export interface GuardUnderTest {
  guard: ServiceProcess;
  /** jarvis-guard's own database (its audit log, approvals, limits). */
  db: TestDatabase;
  /** Stops the guard, then drops its database. */
  stop(): Promise<void>;
}

/** The built jarvis-guard as its own process, on a fresh database, on the test NATS with `subjectPrefix`. */
export async function startGuardProcess(subjectPrefix: string, extra: Record<string, string> = {}): Promise<GuardUnderTest> {
  const db = await createTestDatabase('jarvis_guard');
  const guard = await startServiceProcess('jarvis-guard', await serviceTestEnv({ databaseUrl: db.url, natsUrl: natsUrl(), subjectPrefix, extra }));
  return {
    guard,
    db,
    stop: async () => {
      await guard.stop();
      await db.drop();
    },
  };
}
