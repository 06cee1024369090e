/** What the global setup hands to every test file through Vitest's `provide`/`inject`. */
export interface TestingProvidedContext {
  /** Server-level URL of the PostgreSQL the tests use (database `postgres`). */
  databaseUrl: string;
  /** URL of the NATS server (with JetStream) the tests use. */
  natsUrl: string;
}

declare module 'vitest' {
  // module augmentation has to be an (extending) interface
  // eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type
  export interface ProvidedContext extends TestingProvidedContext {}
}
