export { latticeV1Codec, latticeV2Codec, type LatticeResult } from './codec.ts';
