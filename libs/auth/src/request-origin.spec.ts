import { describe, expect, it } from 'vitest';
import { clientAddress, isOwnOrigin, ownOrigins, requestProtocol, useSecureCookie } from './request-origin.js';

describe('isOwnOrigin', () => {
  const http = { protocol: 'http', host: 'dash.lan:8080' };
  it('accepts the address the request was sent to and the public URL', () => {
    expect(isOwnOrigin('http://dash.lan:8080', http, undefined)).toBe(true);
    expect(isOwnOrigin('https://dash.example', http, 'https://dash.example/some/path')).toBe(true);
    expect(ownOrigins(http, 'https://dash.example')).toEqual(['https://dash.example', 'http://dash.lan:8080']);
  });
  it('refuses other sites, other schemes and ports, and missing or opaque origins', () => {
    expect(isOwnOrigin('https://evil.example', http, 'https://dash.example')).toBe(false);
    expect(isOwnOrigin('https://dash.lan:8080', http, undefined)).toBe(false);
    expect(isOwnOrigin('http://dash.lan:8081', http, undefined)).toBe(false);
    expect(isOwnOrigin(undefined, http, undefined)).toBe(false);
    expect(isOwnOrigin('null', http, undefined)).toBe(false);
    expect(isOwnOrigin('javascript:alert(1)', http, undefined)).toBe(false);
    expect(isOwnOrigin('http://dash.lan:8080', { protocol: 'http', host: undefined }, undefined)).toBe(false);
  });
});

describe('useSecureCookie', () => {
  it('sets Secure on HTTPS and loopback names in auto mode', () => {
    expect(useSecureCookie('auto', { protocol: 'https', host: 'dash.lan' })).toBe(true);
    expect(useSecureCookie('auto', { protocol: 'http', host: 'localhost:3000' })).toBe(true);
    expect(useSecureCookie('auto', { protocol: 'http', host: '127.0.0.1:3000' })).toBe(true);
    expect(useSecureCookie('auto', { protocol: 'http', host: '[::1]:3000' })).toBe(true);
    expect(useSecureCookie('auto', { protocol: 'http', host: 'dash.lan' })).toBe(false);
    expect(useSecureCookie('auto', { protocol: 'http', host: 'localhost.evil.example' })).toBe(false);
    expect(useSecureCookie('always', { protocol: 'http', host: 'dash.lan' })).toBe(true);
    expect(useSecureCookie('never', { protocol: 'https', host: 'dash.lan' })).toBe(false);
  });
});

describe('clientAddress and requestProtocol', () => {
  const request = {
    headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-proto': 'https' },
    socketAddress: '10.0.0.2',
    encrypted: false,
  };
  it('ignore forwarding headers unless the proxy is trusted', () => {
    expect(clientAddress(request, false)).toBe('10.0.0.2');
    expect(requestProtocol(request, false)).toBe('http');
  });
  it('take the entry the trusted proxy appended, not what the client wrote before it', () => {
    expect(clientAddress(request, true)).toBe('203.0.113.9');
    expect(requestProtocol(request, true)).toBe('https');
    expect(clientAddress({ ...request, headers: {} }, true)).toBe('10.0.0.2');
    expect(requestProtocol({ ...request, headers: { 'x-forwarded-proto': 'gopher' } }, true)).toBe('http');
  });
});
