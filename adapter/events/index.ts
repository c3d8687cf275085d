/**
 * Ferry's event codecs: Lambda HTTP events in, plain HTTP requests out, and back.
 * Pure and synchronous: no I/O, no configuration, no `process.env`.
 *
 *   const detected = detectEvent(event);
 *   if (detected.kind === 'http') {
 *     const request = detected.codec.toRequest(event, { includeStage });      // → the app
 *     const result = detected.codec.toResult(response, event, { isTextBody }); // → /response
 *   }
 */
export type { AppRequest, AppResponse, DecodeOptions, EncodeOptions, EventCodec, EventSource, HeaderMap } from './types.ts';
export { detectEvent, type Detection } from './detect.ts';
export { albCodec, type AlbResult } from './alb/index.ts';
export { latticeV1Codec, latticeV2Codec, type LatticeResult } from './lattice/index.ts';
export { functionUrlCodec, httpApiV2Codec, type PayloadV2Result } from './http-v2/index.ts';
export { httpApiV1Codec, restApiV1Codec, type PayloadV1Result } from './rest-v1/index.ts';
export { isTextBody, type IsTextBody } from './shared/binary.ts';
export { commaJoinedHeaders } from './shared/headers.ts';

import { isTextBody } from './shared/binary.ts';
import type { DecodeOptions, EncodeOptions } from './types.ts';

/** Defaults: the stage stays out of REST paths; the built-in text-vs-base64 heuristic. */
export const defaultDecodeOptions: Readonly<DecodeOptions> = Object.freeze({ includeStage: false });
export const defaultEncodeOptions: Readonly<EncodeOptions> = Object.freeze({ isTextBody });
