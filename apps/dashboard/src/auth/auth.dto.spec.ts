import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CreateUserBody, LoginBody, PasswordChangeBody, SetupBody, UpdateUserBody } from '@homelab/dashboard-api';
import { createUserBody, loginBody, parseBody, passwordBody, setupBody, updateUserBody } from './auth.dto.js';

describe('auth request bodies', () => {
  it('are exactly those @homelab/dashboard-api declares', () => {
    // tsc (the spec type-check) fails when the schemas and the API types drift apart
    expectTypeOf<z.input<typeof loginBody>>().toEqualTypeOf<LoginBody>();
    expectTypeOf<z.input<typeof setupBody>>().toEqualTypeOf<SetupBody>();
    expectTypeOf<z.input<typeof passwordBody>>().toEqualTypeOf<PasswordChangeBody>();
    expectTypeOf<z.input<typeof createUserBody>>().toEqualTypeOf<CreateUserBody>();
    expectTypeOf<z.input<typeof updateUserBody>>().toEqualTypeOf<UpdateUserBody>();
    const create: CreateUserBody = { username: 'ops.viewer', password: 'a long enough passphrase', role: 'viewer' };
    expect(parseBody(createUserBody, create)).toEqual(create);
    const update: UpdateUserBody = { role: 'admin', disabled: false };
    expect(parseBody(updateUserBody, update)).toEqual(update);
  });

  it('answers 400 naming the field of a body that is not one of them', () => {
    expect(() => parseBody(loginBody, { username: 'admin' })).toThrow(/password/);
    expect(() => parseBody(updateUserBody, {})).toThrow(/at least one of role, disabled, password/);
    expect(() => parseBody(createUserBody, { username: 'x', password: 'p', role: 'root' })).toThrow(/role/);
  });
});
