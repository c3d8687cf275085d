/**
 * Bodies between JSON and bytes (base64 in both directions).
 *
 * Request: `isBase64Encoded` bodies become their exact bytes (field note: "base64 request bodies
 * decoded into UTF-8 strings"); text bodies become their UTF-8 bytes. No body, and an empty one
 * (ALB sends `""` for "no body"), is `null`: the core's HTTP client then sends no body and frames
 * the request itself (`content-length: 0` for POST/PUT/PATCH, nothing for GET).
 *
 * Response: text only when the heuristic allows it AND the bytes are valid UTF-8; else base64.
 * An empty body is `""` with `isBase64Encoded: false`.
 */
import { isUtf8 } from 'node:buffer';
import type { AppResponse, EncodeOptions } from '../types.ts';
import { responseHeader } from './headers.ts';

/** The request body of an event: exact bytes, or `null` when there are none. */
export function decodeBody(body: unknown, isBase64Encoded: unknown): Buffer | null {
  if (body === null || body === undefined) return null;
  // A hand-written test event may carry a JSON object as its body: send it as JSON text.
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (text === '') return null;
  const bytes = isBase64Encoded === true || isBase64Encoded === 'true' ? fromBase64(text) : Buffer.from(text, 'utf8');
  return bytes.length === 0 ? null : bytes;
}

/**
 * Base64 (standard or URL-safe alphabet, padding optional), strictly: Node's decoder skips any
 * character outside the alphabet, so a corrupted body would reach the app as other bytes.
 */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fromBase64(text: string): Buffer {
  const unpadded = text.replace(/=+$/, '');
  if (!BASE64.test(text) || unpadded.length % 4 === 1 || (text.length !== unpadded.length && text.length % 4 !== 0)) {
    const bad = /[^A-Za-z0-9+/_=-]/.exec(text);
    const where = bad ? `: ${JSON.stringify(bad[0])} at offset ${bad.index} is outside the base64 alphabet` : ' (its length or padding is wrong)';
    throw new Error(`the body is marked isBase64Encoded but is not valid base64${where}`);
  }
  return Buffer.from(text, 'base64');
}

/** A response body as the result carries it. */
export interface EncodedBody {
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The app's body for a result: text when `options.isTextBody` says so for its Content-Type and
 * Content-Encoding and the bytes are valid UTF-8 (so they survive the JSON string exactly),
 * otherwise base64.
 */
export function encodeBody(response: AppResponse, options: EncodeOptions): EncodedBody {
  const body = response.body;
  if (body.length === 0) return { body: '', isBase64Encoded: false };
  const contentType = responseHeader(response.headers, 'content-type');
  const contentEncoding = responseHeader(response.headers, 'content-encoding');
  if (options.isTextBody(contentType, contentEncoding) && isUtf8(body)) {
    return { body: body.toString('utf8'), isBase64Encoded: false };
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}
