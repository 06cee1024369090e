import type passport from 'passport';

/** How a Passport strategy finished handling one request. */
export type PassportOutcome =
  | { kind: 'success'; user: unknown; info?: unknown }
  | { kind: 'fail'; status: number; challenge?: unknown }
  | { kind: 'redirect'; url: string; status: number }
  | { kind: 'pass' };

type RunnableStrategy = passport.Strategy & passport.StrategyCreatedStatic;

/**
 * Runs one Passport strategy against a request and reports the outcome instead of writing a
 * response — the same augmentation `passport.authenticate()` performs, minus its Express
 * response handling (`res.setHeader`/`res.end`), which a Fastify reply does not offer.
 * Controllers turn the outcome into `reply.redirect()`, 401, or a session. Rejects on `error()`.
 */
export function runPassportStrategy(strategy: passport.Strategy, request: object, options: object = {}): Promise<PassportOutcome> {
  return new Promise<PassportOutcome>((resolve, reject) => {
    const run = Object.create(strategy) as RunnableStrategy;
    run.success = (user: unknown, info?: unknown) => resolve(info === undefined ? { kind: 'success', user } : { kind: 'success', user, info });
    run.fail = (challenge?: unknown, status?: number) => {
      if (typeof challenge === 'number') resolve({ kind: 'fail', status: challenge });
      else resolve(challenge === undefined ? { kind: 'fail', status: status ?? 401 } : { kind: 'fail', status: status ?? 401, challenge });
    };
    run.redirect = (url: string, status?: number) => resolve({ kind: 'redirect', url, status: status ?? 302 });
    run.pass = () => resolve({ kind: 'pass' });
    run.error = (error: unknown) => reject(error);
    try {
      (run.authenticate as (this: RunnableStrategy, req: object, options: object) => void).call(run, request, options);
    } catch (error: unknown) {
      reject(error);
    }
  });
}
