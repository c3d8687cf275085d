/**
 * The response parser (adapter/http1/response-parser.ts) as a pure function of the bytes: every
 * framing, the same result however the bytes are cut into reads (every single boundary, and
 * random cuts of generated responses), the head limit, and malformed input refused with
 * llhttp's code and reason (the last test asks node:http's llhttp itself, over a raw socket).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpParserError, ResponseParser } from '../../adapter/http1/response-parser.ts';

interface Parsed {
  statusCode?: number;
  headers?: Record<string, string | string[]>;
  keepAlive?: boolean;
  body: string;
  trailers?: Record<string, string | string[]>;
  ended: boolean;
  error?: { code: string; message: string };
}

/** Parse `pieces` as one response; `closed`: the connection ends after them. */
function parse(pieces: Buffer[], options: { noBody?: boolean; limit?: number; closed?: boolean } = {}): Parsed {
  const out: Parsed = { body: '', ended: false };
  const parser = new ResponseParser(
    {
      onHead: (head) => Object.assign(out, { statusCode: head.statusCode, headers: { ...head.headers }, keepAlive: head.keepAlive }),
      onBody: (chunk) => (out.body += chunk.toString('latin1')),
      onEnd: (trailers) => Object.assign(out, { ended: true, trailers: { ...trailers } }),
    },
    options.limit ?? 16 * 1024,
  );
  parser.expect(options.noBody === true);
  try {
    for (const piece of pieces) parser.execute(piece);
    if (options.closed) parser.finish();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    out.error = { code, message };
  }
  return out;
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** `text` cut at each of `cuts` (sorted offsets). */
function cut(text: string, cuts: number[]): Buffer[] {
  const all = bytes(text);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, all.length]) {
    pieces.push(all.subarray(at, c));
    at = c;
  }
  return pieces;
}

const FRAMINGS: Array<[string, string, { noBody?: boolean; closed?: boolean }, Partial<Parsed>]> = [
  [
    'Content-Length',
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    {},
    { statusCode: 200, body: 'hello', keepAlive: true, ended: true, headers: { 'content-type': 'text/plain', 'content-length': '5' } },
  ],
  ['Content-Length: 0', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', {}, { statusCode: 200, body: '', ended: true }],
  [
    'chunked, with extensions and trailers',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-sum\r\n\r\n5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Sum: abc\r\nX-Sum: def\r\n\r\n',
    {},
    { body: 'hello world', ended: true, keepAlive: true, trailers: { 'x-sum': ['abc', 'def'] } },
  ],
  ['chunked, upper-case hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n', {}, { body: '0123456789', ended: true }],
  [
    'a body that ends with the connection',
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end',
    { closed: true },
    { body: 'until the end', ended: true, keepAlive: false },
  ],
  [
    'Transfer-Encoding that does not end in chunked: to the close',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nokok',
    { closed: true },
    { body: 'okok', ended: true, keepAlive: false },
  ],
  ['HEAD: no body whatever the length says', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', { noBody: true }, { body: '', ended: true, keepAlive: true }],
  ['204 with a Content-Length', 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', {}, { statusCode: 204, body: '', ended: true }],
  ['304 with a Content-Length', 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 5\r\n\r\n', {}, { statusCode: 304, body: '', ended: true }],
  [
    '100 Continue and 103 Early Hints before the answer',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
    {},
    { statusCode: 201, body: 'ok', ended: true, headers: { 'content-length': '2' } },
  ],
  ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok', {}, { body: 'ok', keepAlive: false, ended: true }],
  ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', {}, { body: 'ok', keepAlive: false, ended: true }],
  ['HTTP/1.0 with keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok', {}, { keepAlive: true, ended: true }],
  [
    'repeated headers, odd names and spacing, obs-text, no reason phrase',
    'HTTP/1.1 999\r\nSet-Cookie: a=1\r\nset-cookie:b=2 \r\n__proto__: p\r\nConstructor:\tc\t\r\nX-Latin: caf\xe9\r\nContent-Length: 0\r\n\r\n',
    {},
    { statusCode: 999, headers: { 'set-cookie': ['a=1', 'b=2'], __proto__: 'p', constructor: 'c', 'x-latin': 'caf\xe9', 'content-length': '0' } },
  ],
];

describe('framings', () => {
  it.each(FRAMINGS)('%s', (_what, text, options, expected) => {
    const parsed = parse([bytes(text)], options);
    expect(parsed.error).toBeUndefined();
    expect(parsed).toMatchObject(expected);
  });

  it.each(FRAMINGS)('%s: the same result when cut at any single byte boundary', (_what, text, options) => {
    const whole = parse([bytes(text)], options);
    for (let at = 0; at <= text.length; at++) expect(parse(cut(text, [at]), options)).toEqual(whole);
  });

  it.each(FRAMINGS)('%s: the same result when fed one byte at a time', (_what, text, options) => {
    const one = Array.from({ length: text.length }, (_, i) => i + 1).slice(0, -1);
    expect(parse(cut(text, one), options)).toEqual(parse([bytes(text)], options));
  });

  it('keeps a header map without a prototype, so __proto__ is a header', () => {
    let headers: Record<string, unknown> | undefined;
    const parser = new ResponseParser({ onHead: (head) => (headers = head.headers), onBody: () => undefined, onEnd: () => undefined }, 1024);
    parser.expect(false);
    parser.execute(bytes('HTTP/1.1 200 OK\r\n__proto__: p\r\nContent-Length: 0\r\n\r\n'));
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(Object.hasOwn(headers!, '__proto__')).toBe(true);
  });

  it('hands body pieces over as views of the input, not copies', () => {
    const input = bytes('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody');
    const pieces: Buffer[] = [];
    const parser = new ResponseParser({ onHead: () => undefined, onBody: (chunk) => pieces.push(chunk), onEnd: () => undefined }, 1024);
    parser.expect(false);
    parser.execute(input);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.buffer).toBe(input.buffer);
  });
});

/** A generated response: its bytes and what the parser must make of them. */
const arbitraryResponse = fc
  .record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    headers: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/)), { maxLength: 8 }),
    body: fc.uint8Array({ maxLength: 3000 }),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
    trailers: fc.array(fc.tuple(fc.stringMatching(/^x-t[a-z]{0,6}$/), fc.stringMatching(/^[a-z0-9]{0,10}$/)), { maxLength: 3 }),
  })
  .map(({ status, headers, body, framing, chunkSizes, trailers }) => {
    const data = Buffer.from(body);
    let head = `HTTP/1.1 ${status} Whatever\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
    let payload: Buffer;
    if (framing === 'length') {
      head += `Content-Length: ${data.length}\r\n`;
      payload = data;
    } else if (framing === 'chunked') {
      head += 'Transfer-Encoding: chunked\r\n';
      const parts: Buffer[] = [];
      for (let at = 0, i = 0; at < data.length; i++) {
        const size = Math.min(chunkSizes[i % chunkSizes.length]!, data.length - at);
        parts.push(bytes(`${size.toString(16)}\r\n`), data.subarray(at, at + size), bytes('\r\n'));
        at += size;
      }
      parts.push(bytes(`0\r\n${trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`));
      payload = Buffer.concat(parts);
    } else {
      payload = data;
    }
    const wire = Buffer.concat([bytes(`${head}\r\n`), payload]);
    const expectedHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of headers) {
      const seen = expectedHeaders[name];
      expectedHeaders[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return { wire, status, expectedHeaders, body: data.toString('latin1'), closed: framing === 'close', trailers: framing === 'chunked' ? trailers : [] };
  });

describe('generated responses', () => {
  it('parse to what was encoded, however the bytes are cut into reads', () => {
    fc.assert(
      fc.property(arbitraryResponse, fc.array(fc.nat(), { maxLength: 12 }), (response, rawCuts) => {
        const cuts = [...new Set(rawCuts.map((c) => c % (response.wire.length + 1)))].sort((a, b) => a - b);
        const pieces: Buffer[] = [];
        let at = 0;
        for (const c of [...cuts, response.wire.length]) {
          pieces.push(response.wire.subarray(at, c));
          at = c;
        }
        const parsed = parse(pieces, { closed: response.closed });
        expect(parsed.error).toBeUndefined();
        expect(parsed.statusCode).toBe(response.status);
        expect(parsed.headers).toMatchObject(response.expectedHeaders);
        expect(parsed.body).toBe(response.body);
        expect(parsed.ended).toBe(true);
        for (const [name, value] of response.trailers) expect(parsed.trailers![name]).toContain(value);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the head limit', () => {
  const head = (filler: number) => `HTTP/1.1 200 OK\r\nX-F: ${'a'.repeat(filler)}\r\nContent-Length: 0\r\n\r\n`;
  const limit = 200;
  const fits = limit - head(0).length;

  it('accepts a head of exactly the limit, in any pieces', () => {
    const text = head(fits);
    expect(text.length).toBe(limit);
    for (let at = 0; at <= text.length; at += 7) {
      const parsed = parse(cut(text, [at]), { limit });
      expect(parsed.error).toBeUndefined();
      expect(parsed.ended).toBe(true);
    }
  });

  it('refuses one byte more as HPE_HEADER_OVERFLOW, even before the head ends', () => {
    expect(parse([bytes(head(fits + 1))], { limit }).error).toEqual({ code: 'HPE_HEADER_OVERFLOW', message: 'Parse Error: Header overflow' });
    expect(parse([bytes(head(fits + 1)).subarray(0, limit + 1)], { limit }).error?.code).toBe('HPE_HEADER_OVERFLOW');
  });

  it('counts interim heads on their own, and trailers under the same limit', () => {
    const interim = `HTTP/1.1 103 Early Hints\r\nLink: ${'b'.repeat(150)}\r\n\r\n`;
    expect(parse([bytes(interim + head(fits))], { limit }).error).toBeUndefined();
    const trailers = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ${'t'.repeat(limit)}\r\n\r\n`;
    expect(parse([bytes(trailers)], { limit }).error?.code).toBe('HPE_HEADER_OVERFLOW');
  });
});

/** Malformed answers, each with llhttp's code and reason (checked against llhttp below). */
const MALFORMED: Array<[string, string, string, string]> = [
  ['bytes that are not HTTP', 'this is not HTTP\r\n\r\n', 'HPE_INVALID_CONSTANT', 'Expected HTTP/, RTSP/ or ICE/'],
  ['a lower-case protocol name', 'http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_CONSTANT', 'Expected HTTP/, RTSP/ or ICE/'],
  ['a bare CR in a header', 'HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nok', 'HPE_LF_EXPECTED', 'Missing expected LF after header value'],
  ['a control byte in a header', 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN', 'Invalid header value char'],
  ['DEL in a header', 'HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN', 'Invalid header value char'],
  ['a bare LF after a header', 'HTTP/1.1 200 OK\r\nX-A: ab\nContent-Length: 2\r\n\r\nok', 'HPE_CR_EXPECTED', 'Missing expected CR after header value'],
  ['a bare LF after the status line', 'HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok', 'HPE_CR_EXPECTED', 'Missing expected CR after response line'],
  ['a two-digit status', 'HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_STATUS', 'Invalid status code'],
  ['HTTP/1.2', 'HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_VERSION', 'Invalid HTTP version'],
  [
    'a Content-Length that is not a number',
    'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok',
    'HPE_INVALID_CONTENT_LENGTH',
    'Invalid character in Content-Length',
  ],
  ['a Content-Length list', 'HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok', 'HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length'],
  ['two Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok', 'HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length'],
  [
    'Content-Length with Transfer-Encoding',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    'HPE_INVALID_TRANSFER_ENCODING',
    "Transfer-Encoding can't be present with Content-Length",
  ],
  [
    'a chunk size that is not hex',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n',
    'HPE_INVALID_CHUNK_SIZE',
    'Invalid character in chunk size',
  ],
  [
    'a space after the chunk size',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nok\r\n0\r\n\r\n',
    'HPE_INVALID_CHUNK_SIZE',
    'Invalid character in chunk size',
  ],
  [
    'a bare LF after the chunk size',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n',
    'HPE_CR_EXPECTED',
    'Missing expected CR after chunk size',
  ],
  ['no CRLF after chunk data', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n', 'HPE_STRICT', 'Expected LF after chunk data'],
  ['a space in a header name', 'HTTP/1.1 200 OK\r\nX A: 1\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN', 'Invalid header token'],
  ['a space before the colon', 'HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN', 'Invalid header token'],
  ['a header line without a colon', 'HTTP/1.1 200 OK\r\nXA\r\nContent-Length: 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN', 'Invalid header token'],
  [
    'a folded header line',
    'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 2\r\n\r\nok',
    'HPE_INVALID_HEADER_TOKEN',
    'Unexpected whitespace after header value',
  ],
];

describe('malformed answers', () => {
  it.each(MALFORMED)('refuses %s with llhttp’s code and reason, however it is cut', (_what, text, code, reason) => {
    const expected = { code, message: `Parse Error: ${reason}` };
    for (let at = 0; at <= text.length; at++) expect(parse(cut(text, [at])).error).toEqual(expected);
  });

  it('throws HttpParserError, the name Ferry recognises as "not valid HTTP"', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onBody: () => undefined, onEnd: () => undefined }, 1024);
    parser.expect(false);
    let caught: unknown;
    try {
      parser.execute(bytes('garbage\r\n'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HttpParserError);
    expect(caught).toMatchObject({ name: 'HTTPParserError', code: 'HPE_INVALID_CONSTANT' });
  });

  it('refuses bytes after the end of the response', () => {
    expect(parse([bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1')])).toMatchObject({ ended: true, error: { code: 'HPE_INVALID_CONSTANT' } });
  });

  it.each([
    ['within the head', 'HTTP/1.1 200 OK\r\nContent-', 'socket hang up'],
    ['before any byte', '', 'socket hang up'],
    ['within a Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal', 'aborted'],
    ['within a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'aborted'],
  ])('reports a connection that ends %s as ECONNRESET (%s), never as a complete answer', (_what, text, message) => {
    expect(parse([bytes(text)], { closed: true })).toMatchObject({ ended: false, error: { code: 'ECONNRESET', message } });
  });
});

describe('llhttp agrees', () => {
  /** What node:http (llhttp) reports for `raw` as an answer, over a real socket. */
  async function llhttp(raw: string): Promise<{ code?: string; message: string }> {
    const server = net.createServer((socket) => socket.once('data', () => socket.end(bytes(raw))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      return await new Promise((resolve) => {
        const req = http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent: false }, (res) => {
          res.resume();
          res.once('end', () => resolve({ message: 'ok' }));
        });
        req.once('error', (error: Error & { code?: string }) => resolve({ code: error.code, message: error.message }));
      });
    } finally {
      server.close();
    }
  }

  it.each(MALFORMED)('on %s', async (_what, text) => {
    expect(parse([bytes(text)]).error).toEqual(await llhttp(text));
  });
});
