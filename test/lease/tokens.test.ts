import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillRandom, newLeaseId, newScopeToken } from '../../adapter/lease/tokens.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lease tokens and ids', () => {
  it('mints scope tokens of 32 hex digits, never the same twice across many refills of the pool', () => {
    // 4,000 tokens of 16 bytes: about 16 refills of the 4 KiB pool.
    const tokens = Array.from({ length: 4_000 }, newScopeToken);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('mints lease ids of 12 base64url characters, never the same twice', () => {
    const ids = Array.from({ length: 4_000 }, newLeaseId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('fillRandom', () => {
  it('fills the whole buffer from its source', () => {
    const source = path.join(dir, 'bytes');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));
    writeFileSync(source, bytes);
    const buffer = Buffer.alloc(300);
    fillRandom(buffer, source);
    expect(buffer.equals(bytes)).toBe(true);
  });

  it('falls back to node:crypto when the source is missing or ends early', () => {
    const short = path.join(dir, 'short');
    writeFileSync(short, Buffer.alloc(10, 1));
    for (const source of [path.join(dir, 'missing'), short]) {
      const a = Buffer.alloc(64);
      const b = Buffer.alloc(64);
      fillRandom(a, source);
      fillRandom(b, source);
      // 64 random bytes twice: equal (or all zero) only if nothing filled them.
      expect(a.equals(b)).toBe(false);
      expect(a.equals(Buffer.alloc(64))).toBe(false);
    }
  });
});
