/**
 * The request body inside an event: text or base64. Measured on HTTP APIs (docs/lambda-protocol.md §5),
 * bodies arrive as text only for `text/*`, `application/json`, `application/xml` and
 * `application/javascript`; everything else (no content type, forms, images) arrives base64.
 * The same rule is used for every source here. Bytes that are not valid UTF-8 go as base64 even
 * with a text type, so the app always receives the exact bytes the client sent.
 */
import { isUtf8 } from 'node:buffer';

const TEXT_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/xml', 'application/javascript']);

/** True when a body of this content type arrives as text. */
export function arrivesAsText(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type.startsWith('text/') || TEXT_TYPES.has(type);
}

export interface EventBody {
  body: string;
  isBase64Encoded: boolean;
}

/** `undefined` when there is no body: each source says in its own way that there is none. */
export function eventBody(body: Buffer | null, contentType: string | undefined): EventBody | undefined {
  if (body === null || body.length === 0) return undefined;
  if (arrivesAsText(contentType) && isUtf8(body)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}
