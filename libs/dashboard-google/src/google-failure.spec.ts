import { describe, expect, it } from 'vitest';
import { classifyGoogleError, describeFailure, failureToDomainError } from './google-failure.js';

function httpError(status: number, data: unknown, headers = new Headers()): Error {
  return Object.assign(new Error('request failed'), {
    config: { url: 'https://oauth2.googleapis.com/revoke?token=1//secret-refresh-token', headers: { authorization: 'Bearer ya29.secret' } },
    response: { status, data, headers },
  });
}

describe('classifyGoogleError', () => {
  it("tells a refused refresh token from the APIs' own errors", () => {
    expect(classifyGoogleError(httpError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }))).toEqual({
      kind: 'invalid_grant',
      message: 'Token has been expired or revoked.',
    });
    expect(classifyGoogleError(httpError(401, { error: { code: 401, message: 'Request had invalid authentication credentials.' } }))).toEqual({
      kind: 'unauthorized',
      message: 'Request had invalid authentication credentials.',
    });
    expect(classifyGoogleError(httpError(403, { error: { code: 403, message: 'Gmail API has not been used in project 1 before or it is disabled.' } }))).toEqual({
      kind: 'http',
      status: 403,
      message: 'Gmail API has not been used in project 1 before or it is disabled.',
    });
    expect(classifyGoogleError(httpError(429, {}, new Headers({ 'retry-after': '12' })))).toEqual({ kind: 'rate_limited', retryAfterSeconds: 12 });
    expect(classifyGoogleError(httpError(502, '<html>bad gateway</html>'))).toEqual({ kind: 'http', status: 502, message: 'HTTP 502' });
  });

  it('tells timeouts from unreachable hosts', () => {
    const abort = Object.assign(new Error('The operation was aborted.'), { config: {}, cause: Object.assign(new Error('aborted'), { name: 'AbortError' }) });
    expect(classifyGoogleError(abort)).toEqual({ kind: 'timeout' });
    const refused = Object.assign(new Error('request to http://127.0.0.1:1/token failed, reason: connect ECONNREFUSED'), { config: {}, code: 'ECONNREFUSED' });
    expect(classifyGoogleError(refused)).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED' });
  });

  it('leaves other errors alone', () => {
    expect(classifyGoogleError(new TypeError('bug'))).toBeUndefined();
    expect(classifyGoogleError('text')).toBeUndefined();
  });

  it('never carries the request (URL, headers, body) into messages', () => {
    for (const error of [httpError(400, { error: 'invalid_grant' }), httpError(500, 'x'), Object.assign(new Error('request to https://oauth2.googleapis.com/revoke?token=1//secret-refresh-token failed'), { config: {}, code: 'ECONNRESET' })]) {
      const failure = classifyGoogleError(error);
      if (failure === undefined) throw new Error('unclassified');
      const text = `${describeFailure(failure)} ${failureToDomainError(failure, 1000).message} ${JSON.stringify(failureToDomainError(failure, 1000).toBody())}`;
      expect(text).not.toMatch(/secret|ya29|1\/\//);
    }
  });

  it('maps each failure to its stable code', () => {
    expect(failureToDomainError({ kind: 'timeout' }, 5000).toBody()).toEqual({ code: 'GOOGLE_TIMEOUT', message: 'Google did not answer within 5000 ms', details: { timeoutMs: 5000 } });
    expect(failureToDomainError({ kind: 'rate_limited', retryAfterSeconds: 3 }, 1).code).toBe('GOOGLE_RATE_LIMITED');
    expect(failureToDomainError({ kind: 'unreachable', code: 'ENOTFOUND' }, 1).code).toBe('GOOGLE_UNAVAILABLE');
    expect(failureToDomainError({ kind: 'invalid_grant', message: 'x' }, 1).code).toBe('GOOGLE_RECONNECT_REQUIRED');
  });
});
