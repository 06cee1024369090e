import { describe, expect, it } from 'vitest';
import { mapClaimsToRole, OidcLogin, readGroups } from './oidc.js';

describe('readGroups / mapClaimsToRole', () => {
  const adminGroups = ['homelab-admins'];

  it('maps membership of an admin group to admin, anything else to viewer', () => {
    expect(mapClaimsToRole({ groups: ['family', 'homelab-admins'] }, { adminGroups })).toBe('admin');
    expect(mapClaimsToRole({ groups: ['family'] }, { adminGroups })).toBe('viewer');
    expect(mapClaimsToRole({}, { adminGroups })).toBe('viewer');
    expect(mapClaimsToRole({ groups: ['homelab-admins'] })).toBe('viewer'); // no admin groups configured
  });

  it('matches group names exactly', () => {
    expect(mapClaimsToRole({ groups: ['Homelab-Admins', 'homelab-admins-old'] }, { adminGroups })).toBe('viewer');
  });

  it('reads a custom claim, a dotted path, or a URL-named claim', () => {
    expect(mapClaimsToRole({ roles: ['homelab-admins'] }, { adminGroups, roleClaim: 'roles' })).toBe('admin');
    expect(mapClaimsToRole({ realm_access: { roles: ['homelab-admins'] } }, { adminGroups, roleClaim: 'realm_access.roles' })).toBe('admin');
    expect(readGroups({ 'https://home.example/groups': ['a', 'b'] }, 'https://home.example/groups')).toEqual(['a', 'b']);
  });

  it('accepts a single string and ignores non-string members', () => {
    expect(readGroups({ groups: 'homelab-admins' })).toEqual(['homelab-admins']);
    expect(readGroups({ groups: ['a', 7, null, '', { name: 'x' }, 'b'] })).toEqual(['a', 'b']);
    expect(readGroups({ groups: { admin: true } })).toEqual([]);
    expect(readGroups({ groups: 'x' }, 'groups.nested')).toEqual([]);
  });

  it('does not walk into prototype properties', () => {
    expect(readGroups({}, 'constructor.name')).toEqual([]);
    expect(readGroups({ a: {} }, 'a.__proto__')).toEqual([]);
  });
});

describe('OidcLogin.discover argument checks', () => {
  const base = { issuerUrl: 'https://id.home.example', clientId: 'c', clientSecret: 's', redirectUri: 'https://dash.home.example/cb' };

  it('only allows plain HTTP for loopback issuers (checked before any request)', async () => {
    await expect(
      OidcLogin.discover({ ...base, issuerUrl: 'http://id.home.example', allowInsecureHttpForTesting: true }),
    ).rejects.toThrow(/loopback/);
  });

  it('refuses redirect URIs with a query or fragment, and missing credentials', async () => {
    await expect(OidcLogin.discover({ ...base, redirectUri: 'https://dash.home.example/cb?x=1' })).rejects.toThrow(/query/);
    await expect(OidcLogin.discover({ ...base, redirectUri: 'https://dash.home.example/cb#x' })).rejects.toThrow(/fragment/);
    await expect(OidcLogin.discover({ ...base, clientSecret: '' })).rejects.toThrow(/clientSecret/);
  });
});
