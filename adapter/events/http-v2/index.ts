export { httpApiV2Codec, functionUrlCodec, isFunctionUrlEvent, type PayloadV2Result } from './codec.ts';
