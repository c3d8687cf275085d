import { describe, expect, it } from 'vitest';
import { detectEvent } from '../../adapter/events/index.ts';
import { functionUrlEvent } from '../helpers/events.ts';

describe("API Gateway's streaming completion invocation", () => {
  it.each(['Success', 'Failure', 'Timeout'])('{"invokeCompletionStatus":"%s"} is recognised, with its status', (status) => {
    expect(detectEvent({ invokeCompletionStatus: status, requestId: 'r-1' })).toEqual({ kind: 'stream-completion', status });
  });

  it('an HTTP event carrying the field is still an HTTP event', () => {
    expect(detectEvent({ ...functionUrlEvent(), invokeCompletionStatus: 'Success' }).kind).toBe('http');
  });

  it('a non-string status, or none, leaves the event on the pass-through path', () => {
    expect(detectEvent({ invokeCompletionStatus: { status: 'Success' } })).toEqual({ kind: 'pass-through' });
    expect(detectEvent({ requestId: 'r-1' })).toEqual({ kind: 'pass-through' });
  });
});
