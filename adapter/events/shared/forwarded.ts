/**
 * `Host` and `X-Forwarded-*` for API Gateway and Function URL requests.
 *
 * The app sits behind Ferry on localhost, so these headers are its only view of the original
 * request. Values the front end already sent are kept unchanged (it knows the real client chain);
 * missing ones are derived from `requestContext`: API Gateway and Function URLs are HTTPS-only,
 * so proto `https` and port `443`. ALB and VPC Lattice always send their own and get no defaults.
 */
import { isIP } from 'node:net';
import type { HeaderMap } from '../types.ts';

export interface ForwardedDefaults {
  /** `requestContext.domainName`. */
  host: string | undefined;
  /** `requestContext.http.sourceIp` (2.0) or `requestContext.identity.sourceIp` (1.0). */
  sourceIp: string | undefined;
}

/** Fills in `host`, `x-forwarded-for`, `-proto` and `-port` where the event did not carry them. */
export function addForwardedDefaults(headers: HeaderMap, defaults: ForwardedDefaults): void {
  if (headers.host === undefined && defaults.host) headers.host = defaults.host;
  // The console's "Test" button sends `sourceIp: "test-invoke-source-ip"`: only a real address
  // may become X-Forwarded-For, which apps use for rate limits and audit logs.
  if (headers['x-forwarded-for'] === undefined && defaults.sourceIp && isIP(defaults.sourceIp) !== 0) {
    headers['x-forwarded-for'] = defaults.sourceIp;
  }
  if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = 'https';
  if (headers['x-forwarded-port'] === undefined) headers['x-forwarded-port'] = '443';
}
