import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CreateDatabaseBody, DeleteDatabaseBody, RestoreDatabaseBody, UpdateDatabaseBody } from '@homelab/dashboard-api';
import { scheduleProblem } from './backup-schedule.js';
import { createDatabaseRequest, deleteDatabaseRequest, parseRequest, restoreDatabaseRequest, updateDatabaseRequest } from './database-requests.js';
import { generatePassword } from './password.js';

/** The API body with `confirm` optional: the schema lets a body without it through, to answer 409 CONFIRMATION_REQUIRED. */
type ConfirmOptional<T> = Flat<Omit<T, 'confirm'> & { confirm?: string }>;
type Flat<T> = { [K in keyof T]: T[K] };

const invalid = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
};

describe('request validation', () => {
  it('accepts a minimal create and the optional fields', () => {
    expect(parseRequest(createDatabaseRequest, { name: 'ab', engine: 'redis' })).toEqual({ name: 'ab', engine: 'redis' });
    expect(parseRequest(createDatabaseRequest, { name: 'nextcloud-db', engine: 'mariadb', hostPort: 13306, bindAddress: '192.168.1.5', backupSchedule: null, backupRetention: 30 })).toMatchObject({
      bindAddress: '192.168.1.5',
      backupSchedule: null,
    });
  });

  it.each([
    [{ name: 'a', engine: 'redis' }, /^name: /],
    [{ name: 'UPPER', engine: 'redis' }, /^name: /],
    [{ name: 'ends-', engine: 'redis' }, /^name: /],
    [{ name: '1starts', engine: 'redis' }, /^name: /],
    [{ name: 'a'.repeat(33), engine: 'redis' }, /^name: /],
    [{ name: 'ok', engine: 'sqlite' }, /^engine: /],
    [{ name: 'ok', engine: 'redis', hostPort: 70000 }, /^hostPort: /],
    [{ name: 'ok', engine: 'redis', bindAddress: 'everywhere' }, /^bindAddress: /],
    [{ name: 'ok', engine: 'redis', backupSchedule: '* * *' }, /^backupSchedule: not a five-field cron schedule/],
    [{ name: 'ok', engine: 'redis', backupSchedule: '*/5 * * * * *' }, /^backupSchedule: /],
    [{ name: 'ok', engine: 'redis', backupRetention: 0 }, /^backupRetention: /],
    [{ name: 'ok', engine: 'redis', image: 'evil:latest' }, /image/],
  ])('refuses %j', (body, message) => {
    expect(invalid(() => parseRequest(createDatabaseRequest, body))).toMatch(message);
  });

  it('checks updates, deletes and restores', () => {
    expect(invalid(() => parseRequest(updateDatabaseRequest, {}))).toMatch(/send backupSchedule and\/or backupRetention/);
    expect(parseRequest(updateDatabaseRequest, { backupSchedule: '15 4 * * 0' })).toEqual({ backupSchedule: '15 4 * * 0' });
    expect(parseRequest(deleteDatabaseRequest, undefined)).toEqual({});
    expect(invalid(() => parseRequest(deleteDatabaseRequest, { confirm: 'x', removeVolume: 'yes' }))).toMatch(/^removeVolume: /);
    expect(invalid(() => parseRequest(restoreDatabaseRequest, { backupId: 'latest', confirm: 'x' }))).toMatch(/^backupId: /);
  });

  it('accepts exactly the bodies @homelab/dashboard-api declares', () => {
    // tsc (the spec type-check) fails when the schemas and the API types drift apart
    expectTypeOf<z.input<typeof createDatabaseRequest>>().toEqualTypeOf<CreateDatabaseBody>();
    expectTypeOf<z.input<typeof updateDatabaseRequest>>().toEqualTypeOf<UpdateDatabaseBody>();
    expectTypeOf<z.input<typeof deleteDatabaseRequest>>().toEqualTypeOf<ConfirmOptional<DeleteDatabaseBody>>();
    expectTypeOf<z.input<typeof restoreDatabaseRequest>>().toEqualTypeOf<ConfirmOptional<RestoreDatabaseBody>>();
    const full: CreateDatabaseBody = { name: 'app-db', engine: 'postgres', host: 'local', hostPort: 15432, bindAddress: '::1', backupSchedule: '0 3 * * *', backupRetention: 3 };
    expect(parseRequest(createDatabaseRequest, full)).toEqual(full);
    const restore: RestoreDatabaseBody = { backupId: '0b5c2f4e-4f7e-4a43-9b55-2f4f7c1d2a10', confirm: 'app-db' };
    expect(parseRequest(restoreDatabaseRequest, restore)).toEqual(restore);
  });

  it('knows a usable schedule', () => {
    expect(scheduleProblem('0 3 * * *')).toBeUndefined();
    expect(scheduleProblem('0 0 31 2 *')).toBeDefined();
  });
});

describe('generatePassword', () => {
  it('makes 32 letters and digits, different every time', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(passwords.size).toBe(200);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});
