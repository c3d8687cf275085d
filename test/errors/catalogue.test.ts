/**
 * The error catalogue (adapter/errors.ts) and the two places that read it for answers: Ferry's own
 * HTTP responses, and the reading of the Runtime API's answers to results. The README's table is
 * checked against it in test/docs/readme.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ERRORS, FerryError, errorDocument, ferryCode, type FerryErrorCode, type HttpErrorCode } from '../../adapter/errors.ts';
import { ferryResponse } from '../../adapter/respond/ferry-response.ts';
import { postOutcome } from '../../adapter/runtime/runtime-api.ts';

const entries = Object.entries(ERRORS) as [FerryErrorCode, (typeof ERRORS)[FerryErrorCode]][];

describe('the error catalogue', () => {
  it.each(entries)('%s has a reported name, a status (or null) and a summary', (_code, entry) => {
    expect(entry.errorType).toMatch(/^Ferry\.[A-Z][A-Za-z]+$/);
    expect(entry.summary.length).toBeGreaterThan(10);
    expect(entry.summary).not.toMatch(/\|/); // the summary is a cell of the README's table
    if (entry.status !== null) {
      expect(Number.isInteger(entry.status)).toBe(true);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThanOrEqual(599);
    }
  });

  it('gives every error its own reported name', () => {
    const names = entries.map(([, entry]) => entry.errorType);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(entries)('names %s after its errorType (FERRY_ + the reason in SNAKE_CASE, without a trailing Error)', (code, entry) => {
    const reason = entry.errorType.slice('Ferry.'.length).replace(/Error$/, '');
    expect(code).toBe(`FERRY_${reason.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}`);
  });

  it('gives a status to exactly the errors Ferry answers HTTP clients with', () => {
    const withStatus = entries.filter(([, entry]) => entry.status !== null).map(([code]) => code);
    expect(withStatus.sort()).toEqual([
      'FERRY_APP_CONNECTION_FAILED',
      'FERRY_APP_NOT_READY',
      'FERRY_DEADLINE_EXCEEDED',
      'FERRY_INVALID_APP_RESPONSE',
      'FERRY_INVALID_EVENT',
      'FERRY_RESPONSE_TOO_LARGE',
    ]);
  });
});

describe('FerryError', () => {
  it('reports the errorType of its code, and keeps its cause', () => {
    const cause = new Error('ECONNRESET');
    const error = new FerryError('FERRY_APP_CONNECTION_FAILED', 'the app hung up', { cause });
    expect([error.code, error.errorType, error.message, error.cause]).toEqual([
      'FERRY_APP_CONNECTION_FAILED',
      'Ferry.AppConnectionFailed',
      'the app hung up',
      cause,
    ]);
  });

  it('is recognised by its code, not by its class; other codes are not catalogue codes', () => {
    expect(ferryCode(new FerryError('FERRY_RUNTIME_API', 'x'))).toBe('FERRY_RUNTIME_API');
    expect(ferryCode(Object.assign(new Error('x'), { code: 'FERRY_CONFIG' }))).toBe('FERRY_CONFIG');
    for (const other of [Object.assign(new Error('x'), { code: 'ENOENT' }), { code: 'toString' }, { code: 42 }, 'FERRY_CONFIG', null, undefined]) {
      expect(ferryCode(other)).toBeUndefined();
    }
  });

  it('becomes the document Lambda expects on /error and /init/error', () => {
    expect(errorDocument('FERRY_INVALID_EVENT', 'not JSON')).toEqual({ errorType: 'Ferry.InvalidEvent', errorMessage: 'not JSON', stackTrace: [] });
  });
});

describe("Ferry's own HTTP answers", () => {
  const httpCodes = entries.filter(([, entry]) => entry.status !== null).map(([code]) => code as HttpErrorCode);

  it.each(httpCodes)('answer %s with the status, errorType and x-ferry-error header of its catalogue entry', (code) => {
    const response = ferryResponse(code, 'what happened');
    expect(response.statusCode).toBe(ERRORS[code].status);
    expect(response.headers['x-ferry-error']).toBe(ERRORS[code].errorType);
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ message: 'what happened', errorType: ERRORS[code].errorType });
    expect(response.headers['content-length']).toBe(String(response.body.length));
  });
});

describe('the Runtime API status of a result', () => {
  it.each([
    [202, 'accepted'],
    [200, 'accepted'],
    [410, 'late'],
    [413, 'too-large'],
    [400, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
  ] as const)('HTTP %i means %s', (status, outcome) => {
    expect(postOutcome(status, '/response', '')).toBe(outcome);
  });

  it.each([500, 502, 503])('HTTP %i is a container error: thrown as Ferry.RuntimeApiError, naming the call and the body', (status) => {
    const thrown = (() => {
      try {
        postOutcome(status, '/error', 'x'.repeat(300));
      } catch (error) {
        return error;
      }
    })();
    expect(ferryCode(thrown)).toBe('FERRY_RUNTIME_API');
    expect((thrown as Error).message).toBe(`Runtime API answered /error with HTTP ${status} (container error); exiting: ${'x'.repeat(200)}`);
  });

  it('words a container error without a body (the streamed /response reads none) without a dangling colon', () => {
    expect(() => postOutcome(500, 'the streamed /response', '')).toThrow(
      /^Runtime API answered the streamed \/response with HTTP 500 \(container error\); exiting$/,
    );
  });
});
