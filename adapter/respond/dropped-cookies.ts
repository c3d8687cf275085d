/**
 * Behind an ALB without multi-value headers, or behind VPC Lattice, a result carries one
 * Set-Cookie (AWS's behaviour: the codec keeps the last). A session cookie then disappears
 * without a word; Ferry says so once per process, the first time, with the fix.
 */
import type { AppResponse, EventCodec } from '../events/index.ts';
import type { Logger } from '../log.ts';

let warned = false;

export function warnIfCookiesDropped(codec: EventCodec, event: unknown, response: AppResponse, log: Logger): void {
  if (warned) return;
  const cookies = response.headers['set-cookie'];
  if (!Array.isArray(cookies) || cookies.length < 2) return;
  const fix = codec.oneCookieOnly?.(event);
  if (fix === undefined) return;
  warned = true;
  log.warn(`the response has ${cookies.length} Set-Cookie headers but ${codec.source} carries only the last one: ${fix}`, { source: codec.source });
}
