import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { DomainPatchBody, NewDomainBody } from '@homelab/dashboard-api';
import { DomainInvalidError } from './domain-errors.js';
import { assertThresholdsOrdered, domainPatchSchema, newDomainSchema, normalizeHostname, parseDomainPatch, parseNewDomain } from './domain-input.js';

const defaults = { warnDays: 21, criticalDays: 7 };

function invalidField(run: () => unknown): { field: unknown; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainInvalidError);
    const e = error as DomainInvalidError;
    expect(e.code).toBe('DOMAIN_INVALID');
    return { field: e.details?.['field'], message: e.message };
  }
  throw new Error('expected DomainInvalidError');
}

describe('normalizeHostname', () => {
  it('gives the lower-case ASCII (punycode) form, without a trailing dot', () => {
    expect(normalizeHostname('Bücher.Example.')).toEqual({ name: 'xn--bcher-kva.example' });
    expect(normalizeHostname('  WWW.Example.COM ')).toEqual({ name: 'www.example.com' });
    expect(normalizeHostname('xn--bcher-kva.example')).toEqual({ name: 'xn--bcher-kva.example' });
    expect(normalizeHostname('nas')).toEqual({ name: 'nas' });
  });

  it.each([
    ['https://example.com', /no scheme/],
    ['example.com/path', /no scheme/],
    ['example.com:8443', /no scheme/],
    ['exa mple.com', /no scheme/],
    ['ex%41mple.com', /no scheme/],
    ['a_b.example', /invalid label "a_b"/],
    ['-a.example', /invalid label "-a"/],
    ['a..example', /invalid label ""/],
    [`${'a'.repeat(64)}.example`, /invalid label/],
    [`${'a.'.repeat(127)}com`, /longer than 253/],
    ['192.168.1.10', /not an IP address/],
    ['', /must not be empty/],
  ])('refuses %j', (input, reason) => {
    const result = normalizeHostname(input);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(reason);
  });
});

describe('parseNewDomain', () => {
  it('fills the defaults', () => {
    expect(parseNewDomain({ name: 'Example.com' })).toEqual({ name: 'example.com', port: 443, path: '/', warnDays: null, criticalDays: null, linkScan: false });
    expect(parseNewDomain({ name: 'x.test', port: 8443, path: '/health?full=1', warnDays: 30, criticalDays: 10, linkScan: true })).toMatchObject({
      port: 8443,
      path: '/health?full=1',
      warnDays: 30,
      criticalDays: 10,
      linkScan: true,
    });
  });

  it.each([
    [{ name: 'http://x.test' }, 'name', /name must be a host name/],
    [{}, 'name', /name must be a string/],
    [{ name: 'x.test', port: 0 }, 'port', /1 to 65535/],
    [{ name: 'x.test', port: 65536 }, 'port', /1 to 65535/],
    [{ name: 'x.test', port: 44.5 }, 'port', /whole number/],
    [{ name: 'x.test', port: '443' }, 'port', /whole number/],
    [{ name: 'x.test', path: 'health' }, 'path', /start with \//],
    [{ name: 'x.test', path: '/a b' }, 'path', /no spaces/],
    [{ name: 'x.test', warnDays: 0 }, 'warnDays', /at least 1/],
    [{ name: 'x.test', criticalDays: 400 }, 'criticalDays', /at most 365/],
    [{ name: 'x.test', linkScan: 'yes' }, 'linkScan', /true or false/],
    [{ name: 'x.test', colour: 'red' }, 'colour', /colour is not a field/],
  ])('refuses %j naming %s', (body, field, message) => {
    const error = invalidField(() => parseNewDomain(body));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses a body that is not an object', () => {
    expect(invalidField(() => parseNewDomain(null)).field).toBe('body');
    expect(invalidField(() => parseNewDomain([{ name: 'x.test' }])).field).toBe('body');
  });
});

describe('parseDomainPatch', () => {
  it('keeps only the fields given; null thresholds go back to the defaults', () => {
    expect(parseDomainPatch({ warnDays: null, linkScan: true })).toEqual({ warnDays: null, linkScan: true });
    expect(parseDomainPatch({ name: 'NEW.test' })).toEqual({ name: 'new.test' });
    expect(parseDomainPatch({})).toEqual({});
  });

  it('names the wrong field', () => {
    expect(invalidField(() => parseDomainPatch({ port: -1 })).field).toBe('port');
  });
});

describe('the request bodies', () => {
  it('are exactly those @homelab/dashboard-api declares', () => {
    // tsc (the spec type-check) fails when the schemas and the API types drift apart
    expectTypeOf<z.input<typeof newDomainSchema>>().toEqualTypeOf<NewDomainBody>();
    expectTypeOf<z.input<typeof domainPatchSchema>>().toEqualTypeOf<DomainPatchBody>();
    const body: NewDomainBody = { name: 'example.com', port: 8443, path: '/shop', warnDays: 30, criticalDays: null, linkScan: true };
    expect(parseNewDomain(body)).toEqual(body);
    const patch: DomainPatchBody = { warnDays: null };
    expect(parseDomainPatch(patch)).toEqual(patch);
  });
});

describe('assertThresholdsOrdered', () => {
  it('accepts critical ≤ warn, with defaults filling gaps', () => {
    expect(() => assertThresholdsOrdered({ warnDays: null, criticalDays: null }, defaults)).not.toThrow();
    expect(() => assertThresholdsOrdered({ warnDays: 10, criticalDays: 10 }, defaults)).not.toThrow();
  });

  it('names the field that breaks the order', () => {
    expect(invalidField(() => assertThresholdsOrdered({ warnDays: null, criticalDays: 30 }, defaults))).toMatchObject({ field: 'criticalDays' });
    expect(invalidField(() => assertThresholdsOrdered({ warnDays: 5, criticalDays: null }, defaults))).toMatchObject({ field: 'warnDays' });
  });
});
