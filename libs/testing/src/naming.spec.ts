import { describe, expect, it } from 'vitest';
import { uniqueStreamName, uniqueSubjectPrefix } from './naming.js';
import { testDatabaseName, urlForDatabase } from './test-database.js';

describe('unique names', () => {
  it('makes dot-terminated subject prefixes of valid tokens, different each time', () => {
    const prefix = uniqueSubjectPrefix();
    expect(prefix).toMatch(/^t\.[a-z0-9]{6}\.$/);
    expect(uniqueSubjectPrefix('orders svc')).toMatch(/^orders_svc\.[a-z0-9]{6}\.$/);
    expect(uniqueSubjectPrefix('a.b*>')).toMatch(/^a_b_\.[a-z0-9]{6}\.$/);
    expect(new Set(Array.from({ length: 50 }, () => uniqueSubjectPrefix())).size).toBe(50);
  });

  it('makes stream names of letters, digits, _ and -', () => {
    expect(uniqueStreamName('EVENTS')).toMatch(/^EVENTS_[a-z0-9]{8}$/);
    expect(uniqueStreamName('a.b c>')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(uniqueStreamName()).not.toBe(uniqueStreamName());
  });

  it('makes database names that are sanitised and at most 63 characters', () => {
    expect(testDatabaseName()).toMatch(/^t_test_[a-z0-9]{10}$/);
    expect(testDatabaseName('Auth Service!')).toMatch(/^t_auth_service_[a-z0-9]{10}$/);
    const long = testDatabaseName('x'.repeat(200));
    expect(long.length).toBe(63);
    expect(long).toMatch(/^t_x+_[a-z0-9]{10}$/);
  });

  it('points a server URL at another database, keeping credentials and parameters', () => {
    expect(urlForDatabase('postgresql://u:p%40ss@127.0.0.1:5432/postgres?sslmode=disable', 't_a_1')).toBe(
      'postgresql://u:p%40ss@127.0.0.1:5432/t_a_1?sslmode=disable',
    );
    expect(urlForDatabase('postgresql://postgres@127.0.0.1:5432', 't_b')).toBe('postgresql://postgres@127.0.0.1:5432/t_b');
  });
});
