/**
 * Requests HTTP cannot carry are the event's fault: Ferry answers 400 Ferry.InvalidEvent, naming
 * the header and the character (adapter/proxy/validate-request.ts, before anything is sent), and
 * the app never sees them. The real adapter, emulator and app are used.
 */
import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../helpers/events.ts';
import { useFerry } from '../helpers/ferry.ts';

const start = useFerry();

describe('requests that cannot be forwarded', () => {
  it.each([
    ['a control character in a header value', { 'x-bad': 'a\u0001b' }, /the header x-bad contains the control character U\+0001/],
    ['a character beyond latin1 in a header value', { 'x-snow': '\u2603' }, /the header x-snow contains "☃" \(U\+2603, outside latin1\)/],
    ['a header name that is not a token', { 'bad name': 'v' }, /the header name "bad name" is not an HTTP token/],
  ])('answers 400 Ferry.InvalidEvent for %s, and keeps serving', async (_what, headers, message) => {
    const ferry = await start();
    const result = (await ferry.invoke(functionUrlEvent({ path: '/bad', headers }))).json();
    expect(result.statusCode).toBe(400);
    expect(result.headers['x-ferry-error']).toBe('Ferry.InvalidEvent');
    expect(JSON.parse(result.body).message).toMatch(message);
    expect((await ferry.invoke(functionUrlEvent({ path: '/after' }))).json().statusCode).toBe(200);
  });

  it('states the length of a GET body, so the keep-alive connection stays in step', async () => {
    const ferry = await start();
    for (let i = 0; i < 3; i++) {
      const result = (await ferry.invoke(functionUrlEvent({ path: `/get-with-body-${i}`, method: 'GET', body: 'Test' }))).json();
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({ method: 'GET', url: `/get-with-body-${i}`, body: Buffer.from('Test').toString('base64') });
    }
  });
});
