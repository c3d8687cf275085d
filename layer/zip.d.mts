/** Types for zip.mjs (a deterministic zip writer for the layer archive). */
export interface ZipEntry {
  /** Uses `/`; ending in `/` makes a directory entry (no data). */
  name: string;
  data?: Buffer;
  /** Permission bits, e.g. 0o755. */
  mode: number;
}
export function crc32(data: Uint8Array): number;
export function zip(entries: ZipEntry[]): Buffer;
