export { albCodec, type AlbResult } from './codec.ts';
