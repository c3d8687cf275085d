/**
 * The two HTTP messages on Ferry's data path, independent of any event source:
 *   event --codec.toRequest--> AppRequest --proxy--> app --> AppResponse --codec.toResult--> Lambda result
 */

/** Header names are lower-case; a repeated header keeps every value, in order, as an array. */
export type HeaderMap = Record<string, string | string[]>;

/** The HTTP request Ferry sends to the app. */
export interface AppRequest {
  method: string;
  /** Path and query exactly as they go on the request line: `/a%20b?x=1&x=2`. */
  target: string;
  headers: HeaderMap;
  /** Exact body bytes; `null` when the event carries no body. */
  body: Buffer | null;
}

/** The app's answer, read in full (buffered mode). */
export interface AppResponse {
  statusCode: number;
  /** Lower-case names; `set-cookie` is always an array, one entry per cookie, never comma-split. */
  headers: HeaderMap;
  body: Buffer;
}

/** Which event source a codec speaks for. */
export type EventSource =
  | 'alb'
  | 'lattice-v2'
  | 'lattice-v1'
  | 'function-url'
  | 'http-api-v2'
  | 'rest-api-v1'
  /** An HTTP API with payload format 1.0: the REST shape, but it carries `version: "1.0"` and cannot stream. */
  | 'http-api-v1';

/** Options that change how an event becomes a request. */
export interface DecodeOptions {
  /** REST API (1.0) only: keep the stage as the first path segment (`/prod/users`); default off. */
  includeStage: boolean;
}

/** Options that change how a response body is carried in JSON. */
export interface EncodeOptions {
  /** Decides whether a body travels as text or base64 (see `events/shared/binary.ts`). */
  isTextBody: (contentType: string | undefined, contentEncoding: string | undefined) => boolean;
}

/**
 * One HTTP event source. Codecs are plain objects, pure and synchronous: no I/O, no config.
 * `event` is the parsed event JSON that `detect` matched to this codec.
 */
export interface EventCodec {
  readonly source: EventSource;
  /** Whether Lambda can stream this source's responses (see docs/lambda-protocol.md §2). */
  readonly canStream: boolean;
  toRequest(event: any, options: DecodeOptions): AppRequest;
  /** `event` is the request event: some sources answer in the request's shape (ALB multi-value). */
  toResult(response: AppResponse, event: any, options: EncodeOptions): Record<string, unknown>;
  /**
   * Sources whose result holds one Set-Cookie (ALB single-value, VPC Lattice): how to carry them
   * all, for the warning when `toResult` must drop some; undefined when this event carries all.
   */
  oneCookieOnly?(event: any): string | undefined;
}
