export { restApiV1Codec, httpApiV1Codec, isHttpApiPayloadV1, type PayloadV1Result } from './codec.ts';
