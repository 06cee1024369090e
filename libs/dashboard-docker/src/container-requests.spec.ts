import { describe, expect, it } from 'vitest';
import { ContainerRequestInvalidError, parseHostQuery, parseLogsQuery, parseRemoveBody } from './container-requests.js';

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

  it('reads the remove body; a missing confirm is left for the confirmation check', () => {
    expect(parseRemoveBody(undefined)).toEqual({ confirm: undefined, force: false, removeVolumes: false });
    expect(parseRemoveBody({ confirm: 'web', force: true, removeVolumes: true })).toEqual({ confirm: 'web', force: true, removeVolumes: true });
    expect(parseHostQuery({ host: 'nas' })).toBe('nas');
  });
});
