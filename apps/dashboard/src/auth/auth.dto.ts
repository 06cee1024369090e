import { z } from 'zod';
import { describeIssues } from '@homelab/contracts';
import { authErrors, MAX_PASSWORD_LENGTH, ROLES, usernameSchema } from '@homelab/auth';

const password = z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const loginBody = z.object({ username: z.string().min(1, 'is required').max(256), password }).strict();
export const setupBody = z.object({ token: z.string().min(1, 'is required').max(1024), username: usernameSchema, password }).strict();
export const passwordBody = z.object({ currentPassword: password, newPassword: password }).strict();
export const createUserBody = z.object({ username: usernameSchema, password, role: z.enum(ROLES) }).strict();
export const updateUserBody = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password.optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.disabled !== undefined || body.password !== undefined, {
    message: 'name at least one of role, disabled, password',
  });

/** Parses a request body; a bad one is a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw authErrors.invalidInput(`Invalid request body: ${describeIssues(result.error)}`);
  return result.data;
}
