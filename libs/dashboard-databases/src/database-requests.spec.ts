import { describe, expect, it } from 'vitest';
import { scheduleProblem } from './backup-schedule.js';
import { createDatabaseRequest, deleteDatabaseRequest, parseRequest, restoreDatabaseRequest, updateDatabaseRequest } from './database-requests.js';
import { generatePassword } from './password.js';

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
