/** Lambda's payload limits (docs/lambda-protocol.md §1, §2). */

/** A buffered `/response` body larger than this gets 413 (6 MiB + 100 bytes). */
export const BUFFERED_RESPONSE_LIMIT = 6_291_556;

/** Body bytes after the prelude of one streamed response. */
export const STREAMED_RESPONSE_LIMIT = 200 * 1024 * 1024;

/** API Gateway REST streaming wants the prelude and its delimiter within the first 16 KB. */
export const STREAM_PRELUDE_LIMIT = 16 * 1024;

/** The app's status line and headers together, as undici's (and Node's) parser allows by default. */
export const APP_RESPONSE_HEADER_LIMIT = 16 * 1024;
