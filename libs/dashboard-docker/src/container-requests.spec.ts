import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { RemoveContainerBody } from '@homelab/dashboard-api';
import { ContainerRequestInvalidError, parseHostQuery, parseLogsQuery, parseRemoveBody, removeBody } from './container-requests.js';

/** The API body with `confirm` optional: the schema lets a body without it through, to answer 409 CONFIRMATION_REQUIRED. */
type ConfirmOptional<T> = Flat<Omit<T, 'confirm'> & { confirm?: string }>;
type Flat<T> = { [K in keyof T]: T[K] };

describe('containers API requests', () => {
  it('reads the logs query with its defaults, capping the tail', () => {
    expect(parseLogsQuery({})).toEqual({ tail: 200, follow: true, timestamps: true });
    expect(parseLogsQuery({ tail: 'all', follow: 'false', timestamps: '0', _: '123' })).toEqual({ tail: 'all', follow: false, timestamps: false });
    expect(parseLogsQuery({ tail: '999999' }).tail).toBe(10_000);
  });

  it('answers 400 naming the field', () => {
    expect(() => parseLogsQuery({ tail: '-1' })).toThrow(/Invalid query string: tail: must be a number of lines/);
    expect(() => parseLogsQuery({ follow: 'yes' })).toThrow(/follow: must be true or false/);
    expect(() => parseRemoveBody({ confirm: 'x', force: 'yes' })).toThrow(ContainerRequestInvalidError);
    expect(() => parseRemoveBody({ confirm: 'x', extra: 1 })).toThrow(/Invalid request body/);
    expect(() => parseHostQuery({ host: '' })).toThrow(/host: must name a Docker host/);
  });

  it('accepts exactly the remove body @homelab/dashboard-api declares', () => {
    // tsc (the spec type-check) fails when the schema and the API type drift apart
    expectTypeOf<z.input<typeof removeBody>>().toEqualTypeOf<ConfirmOptional<RemoveContainerBody>>();
    const body: RemoveContainerBody = { confirm: 'web', force: true, removeVolumes: true };
    expect(parseRemoveBody(body)).toEqual(body);
  });

  it('reads the remove body; a missing confirm is left for the confirmation check', () => {
    expect(parseRemoveBody(undefined)).toEqual({ confirm: undefined, force: false, removeVolumes: false });
    expect(parseRemoveBody({ confirm: 'web', force: true, removeVolumes: true })).toEqual({ confirm: 'web', force: true, removeVolumes: true });
    expect(parseHostQuery({ host: 'nas' })).toBe('nas');
  });
});
