import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { normalizeIP } from '@fastify/rate-limit';
import { authErrors } from '@homelab/auth';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';
import { clientAddressOf } from './request-auth.js';

/** A counter key: the client's address, a submitted user name, or an account. */
export type AttemptKey = { kind: 'address' } | { kind: 'username'; username: string } | { kind: 'account'; userId: string };

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Counts attempts to prove a password (login, setup, password change) with
 * @fastify/rate-limit over the PostgreSQL store registered in http-setup, so every replica
 * shares the counts: DASHBOARD_LOGIN_ATTEMPTS per 15 minutes per client address and per
 * user name. User names are hashed (and lower-cased) into the key, so the table holds no
 * submitted names and unknown names are limited exactly like real ones.
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  /** Counts one attempt under every key; throws TOO_MANY_ATTEMPTS when any is over the limit. */
  async hit(request: FastifyRequest, keys: readonly AttemptKey[]): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    let retryAfterMs = 0;
    for (const key of keys) {
      const limiter = fastify.createRateLimit({
        max: this.settings.loginAttempts,
        timeWindow: this.settings.loginWindowMs,
        keyGenerator: () => this.keyFor(request, key),
      });
      let result: Awaited<ReturnType<typeof limiter>>;
      try {
        result = await limiter(request);
      } catch (error) {
        throw authErrors.unavailable(error);
      }
      if (!result.isAllowed && result.isExceeded) retryAfterMs = Math.max(retryAfterMs, result.ttl);
    }
    if (retryAfterMs > 0) throw authErrors.tooManyAttempts(retryAfterMs / 1000);
  }

  private keyFor(request: FastifyRequest, key: AttemptKey): string {
    switch (key.kind) {
      case 'address':
        return `auth:addr:${normalizeIP(clientAddressOf(request, this.settings.trustProxy))}`;
      case 'username':
        return `auth:name:${digest(key.username.trim().toLowerCase())}`;
      case 'account':
        return `auth:account:${key.userId}`;
    }
  }
}
