/**
 * Reads a zip's central directory the way Lambda's layer extraction needs it: names, unix modes
 * from the external attributes, and the inflated bytes (checked against the stored CRC-32).
 * Independent of layer/zip.mjs on purpose, apart from its CRC function.
 */
import { inflateRawSync } from 'node:zlib';
import { crc32 } from '../../layer/zip.mjs';

export interface ReadEntry {
  name: string;
  /** The unix mode (type and permission bits) from the high 16 bits of the external attributes. */
  mode: number;
  /** Host system that wrote the entry: 3 = UNIX (only then are the mode bits meaningful). */
  madeBy: number;
  data: Buffer;
}

export function readZip(archive: Buffer): ReadEntry[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory record');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory header at ${at}`);
    const madeBy = archive.readUInt16LE(at + 4) >> 8;
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressedSize = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const external = archive.readUInt32LE(at + 38);
    const localOffset = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (archive.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const stored = archive.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : method === 0 ? Buffer.from(stored) : undefined;
    if (!data) throw new Error(`${name}: unsupported method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 mismatch`);
    entries.push({ name, mode: external >>> 16, madeBy, data });
  }
  return entries;
}
