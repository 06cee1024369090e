import { describe, expect, it } from 'vitest';
import { decideRoute } from './route-policy.js';

describe('decideRoute', () => {
  it('fails closed', () => {
    expect(decideRoute({ kind: 'none' }, { role: 'admin' })).toBe('unconfigured');
    expect(decideRoute({ kind: 'roles', roles: ['viewer'] }, undefined)).toBe('unauthenticated');
    expect(decideRoute({ kind: 'roles', roles: ['admin'] }, { role: 'viewer' })).toBe('forbidden');
    expect(decideRoute({ kind: 'roles', roles: ['viewer'] }, { role: 'root' })).toBe('forbidden');
    expect(decideRoute({ kind: 'roles', roles: ['viewer'] }, {})).toBe('forbidden');
  });
  it('lets a stronger role through and public routes to anyone', () => {
    expect(decideRoute({ kind: 'roles', roles: ['viewer'] }, { role: 'admin' })).toBe('allowed');
    expect(decideRoute({ kind: 'public' }, undefined)).toBe('allowed');
  });
});
