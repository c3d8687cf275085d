/**
 * An incremental HTTP/1.1 response parser (RFC 9112), strict where llhttp (node:http's parser) is
 * strict, failing with llhttp's codes and messages so Ferry's error answers read as before
 * (adapter/respond/app-response-check.ts maps them). Bytes go in as they are read, in pieces of
 * any size; out come the final head (1xx interim heads are skipped), body pieces as views of the
 * input (the caller copies what it keeps past the input's life) and the end with its trailers.
 *
 * Framing: no body for a HEAD request, 204 and 304; chunked (extensions skipped, trailers read)
 * when Transfer-Encoding ends in chunked; Content-Length; else the body ends with the connection.
 */
import type { HeaderMap } from '../events/index.ts';

/** llhttp's shape: `code` HPE_*, name HTTPParserError (what malformedResponse() recognises). */
export class HttpParserError extends Error {
  override readonly name = 'HTTPParserError';
  constructor(
    readonly code: string,
    /** llhttp's reason, e.g. `Invalid header value char`. */
    readonly reason: string,
  ) {
    super(`Parse Error: ${reason}`);
  }
}

export interface ResponseHead {
  statusCode: number;
  /** Lower-case names, repeats as arrays in arrival order, no prototype. */
  headers: HeaderMap;
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;
}

export interface ParserCallbacks {
  onHead(head: ResponseHead): void;
  /** A view of the bytes passed to execute(): valid only until the caller reuses them. */
  onBody(chunk: Buffer): void;
  onEnd(trailers: HeaderMap): void;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/s;
const CONTENT_LENGTH = /^\d{1,15}$/;
const CHUNK_SIZE = /^[0-9a-fA-F]{1,13}$/;
const CR = 13;
const LF = 10;

enum State {
  /** Before a response: status line expected. */
  Status,
  Headers,
  /** Content-Length body. */
  Fixed,
  ChunkSize,
  ChunkData,
  /** The CRLF after a chunk's data. */
  ChunkEnd,
  Trailers,
  /** Body ends at the connection's end. */
  UntilClose,
  /** A response ended; more bytes would be an unsolicited answer. */
  Done,
}

export class ResponseParser {
  #state = State.Done;
  #callbacks: ParserCallbacks;
  readonly #maxHeadBytes: number;
  /** Head or chunk-size line bytes not yet terminated by LF. */
  #line = '';
  #headBytes = 0;
  #statusCode = 0;
  #minor = 1;
  #headers: HeaderMap = Object.create(null);
  #remaining = 0;
  #noBody = false;

  constructor(callbacks: ParserCallbacks, maxHeadBytes: number) {
    this.#callbacks = callbacks;
    this.#maxHeadBytes = maxHeadBytes;
  }

  /** Expect the answer to a request: `noBody` for HEAD. */
  expect(noBody: boolean): void {
    this.#state = State.Status;
    this.#noBody = noBody;
    this.#startHead();
  }

  /** True between expect() and the end of the response. */
  get busy(): boolean {
    return this.#state !== State.Done;
  }

  /** Whether the body so far ends only with the connection. */
  get endsAtClose(): boolean {
    return this.#state === State.UntilClose;
  }

  /** True once a response's head has been parsed (an error after it belongs to the body). */
  get hadHead(): boolean {
    return this.#state !== State.Status && this.#state !== State.Headers && this.#state !== State.Done;
  }

  /** Parse `data` (throws HttpParserError). Bytes after a complete response are an error. */
  execute(data: Buffer): void {
    let at = 0;
    const end = data.length;
    while (at < end) {
      switch (this.#state) {
        case State.Status:
        case State.Headers:
        case State.ChunkSize:
        case State.ChunkEnd:
        case State.Trailers: {
          const lf = data.indexOf(LF, at);
          const stop = lf === -1 ? end : lf;
          this.#countHead(stop - at + (lf === -1 ? 0 : 1));
          this.#line += data.toString('latin1', at, stop);
          if (lf === -1) return void this.#checkPartialLine();
          at = lf + 1;
          const line = this.#line;
          this.#line = '';
          if (line.length === 0 || line.charCodeAt(line.length - 1) !== CR) throw this.#missingCr();
          this.#onLine(line.slice(0, -1));
          break;
        }
        case State.Fixed:
        case State.ChunkData: {
          const take = Math.min(this.#remaining, end - at);
          this.#remaining -= take;
          this.#callbacks.onBody(at === 0 && take === end ? data : data.subarray(at, at + take));
          at += take;
          if (this.#remaining === 0) {
            if (this.#state === State.Fixed) this.#finish();
            else this.#state = State.ChunkEnd;
          }
          break;
        }
        case State.UntilClose:
          this.#callbacks.onBody(at === 0 ? data : data.subarray(at));
          return;
        case State.Done:
          throw new HttpParserError('HPE_INVALID_CONSTANT', 'Data after the end of the response');
      }
    }
  }

  /**
   * The connection ended. A body framed by the close is complete; any other unfinished response
   * is an error (thrown, ECONNRESET-shaped as node:http reported it).
   */
  finish(): void {
    if (this.#state === State.UntilClose) return this.#finish();
    if (this.#state === State.Done) return;
    throw Object.assign(new Error(this.hadHead ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' });
  }

  #startHead(): void {
    this.#line = '';
    this.#headBytes = 0;
    this.#headers = Object.create(null);
  }

  #countHead(bytes: number): void {
    if (this.#state === State.ChunkSize || this.#state === State.ChunkEnd) return;
    this.#headBytes += bytes;
    if (this.#headBytes > this.#maxHeadBytes) throw new HttpParserError('HPE_HEADER_OVERFLOW', 'Header overflow');
  }

  /** A line cut by the read: fail early on what can already be seen to be wrong. */
  #checkPartialLine(): void {
    const line = this.#line;
    const cr = line.indexOf('\r');
    if (cr !== -1 && cr < line.length - 1) throw this.#bareCr();
    if (this.#state === State.Status && !'HTTP/'.startsWith(line.slice(0, 5))) throw expectedHttp();
    if ((this.#state === State.ChunkSize || this.#state === State.ChunkEnd) && line.length > 4096) {
      throw new HttpParserError('HPE_INVALID_CHUNK_SIZE', 'Chunk extensions overflow');
    }
  }

  #missingCr(): HttpParserError {
    if (this.#state === State.ChunkSize) return new HttpParserError('HPE_CR_EXPECTED', 'Missing expected CR after chunk size');
    if (this.#state === State.ChunkEnd) return new HttpParserError('HPE_STRICT', 'Expected LF after chunk data');
    if (this.#state === State.Status) return new HttpParserError('HPE_CR_EXPECTED', 'Missing expected CR after response line');
    return new HttpParserError('HPE_CR_EXPECTED', 'Missing expected CR after header value');
  }

  #bareCr(): HttpParserError {
    if (this.#state === State.ChunkSize) return new HttpParserError('HPE_LF_EXPECTED', 'Missing expected LF after chunk size');
    if (this.#state === State.ChunkEnd) return new HttpParserError('HPE_STRICT', 'Expected LF after chunk data');
    if (this.#state === State.Status) return new HttpParserError('HPE_LF_EXPECTED', 'Missing expected LF after response line');
    return new HttpParserError('HPE_LF_EXPECTED', 'Missing expected LF after header value');
  }

  #onLine(line: string): void {
    if (line.includes('\r')) throw this.#bareCr();
    switch (this.#state) {
      case State.Status:
        return this.#onStatusLine(line);
      case State.Headers:
        if (line.length === 0) return this.#onHeadEnd();
        return this.#onHeaderLine(line);
      case State.ChunkSize:
        return this.#onChunkSize(line);
      case State.ChunkEnd:
        if (line.length !== 0) throw new HttpParserError('HPE_STRICT', 'Expected LF after chunk data');
        this.#state = State.ChunkSize;
        return;
      case State.Trailers:
        if (line.length === 0) return this.#finish();
        return this.#onHeaderLine(line);
    }
  }

  #onStatusLine(line: string): void {
    const match = STATUS_LINE.exec(line);
    if (match === null) {
      if (!line.startsWith('HTTP/')) throw expectedHttp();
      if (!/^HTTP\/1\.[01] /.test(line)) throw new HttpParserError('HPE_INVALID_VERSION', 'Invalid HTTP version');
      throw new HttpParserError('HPE_INVALID_STATUS', 'Invalid status code');
    }
    this.#minor = Number(match[1]);
    this.#statusCode = Number(match[2]);
    this.#state = State.Headers;
  }

  #onHeaderLine(line: string): void {
    const first = line.charCodeAt(0);
    // A folded line (obs-fold) continues the previous value: refused, as llhttp does.
    if (first === 32 || first === 9) throw new HttpParserError('HPE_INVALID_HEADER_TOKEN', 'Unexpected whitespace after header value');
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    if (colon === -1 || !TOKEN.test(name)) throw new HttpParserError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
    const value = trimWhitespace(line.slice(colon + 1));
    if (BAD_VALUE_CHAR.test(value)) throw new HttpParserError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
    const key = name.toLowerCase();
    const headers = this.#headers;
    const seen = headers[key];
    if (seen === undefined) headers[key] = value;
    else if (typeof seen === 'string') headers[key] = [seen, value];
    else seen.push(value);
  }

  #onHeadEnd(): void {
    const status = this.#statusCode;
    const headers = this.#headers;
    // Interim answers (100 Continue, 103 Early Hints): the real one follows.
    if (status < 200) {
      this.#state = State.Status;
      this.#startHead();
      return;
    }
    const connection = headerText(headers.connection)?.toLowerCase();
    let keepAlive = this.#minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    const length = headers['content-length'];
    const coding = headers['transfer-encoding'];
    let next: State;
    if (this.#noBody || status === 204 || status === 304) {
      next = State.Done;
    } else if (coding !== undefined) {
      if (length !== undefined) throw new HttpParserError('HPE_INVALID_TRANSFER_ENCODING', "Transfer-Encoding can't be present with Content-Length");
      const codings = headerText(coding)!.toLowerCase();
      if (/(^|,)\s*chunked\s*$/.test(codings)) {
        next = State.ChunkSize;
      } else {
        next = State.UntilClose;
        keepAlive = false;
      }
    } else if (length !== undefined) {
      if (typeof length !== 'string') throw new HttpParserError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
      if (!CONTENT_LENGTH.test(length)) throw new HttpParserError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
      this.#remaining = Number(length);
      next = this.#remaining === 0 ? State.Done : State.Fixed;
    } else {
      next = State.UntilClose;
      keepAlive = false;
    }
    this.#state = next;
    this.#callbacks.onHead({ statusCode: status, headers, keepAlive });
    if (next === State.Done) this.#finish();
    else if (next === State.ChunkSize) this.#headers = Object.create(null);
  }

  #onChunkSize(line: string): void {
    const semi = line.indexOf(';');
    const size = semi === -1 ? line : line.slice(0, semi);
    if (!CHUNK_SIZE.test(size)) throw new HttpParserError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
    if (semi !== -1 && BAD_VALUE_CHAR.test(line.slice(semi + 1))) throw new HttpParserError('HPE_STRICT', 'Invalid character in chunk extensions');
    this.#remaining = Number.parseInt(size, 16);
    if (this.#remaining === 0) {
      // Trailers are a head of their own, under the same limit.
      this.#state = State.Trailers;
      this.#headBytes = 0;
    } else {
      this.#state = State.ChunkData;
    }
  }

  #finish(): void {
    const trailers = this.#state === State.Trailers ? this.#headers : (Object.create(null) as HeaderMap);
    this.#state = State.Done;
    this.#headers = Object.create(null);
    this.#callbacks.onEnd(trailers);
  }
}

function expectedHttp(): HttpParserError {
  return new HttpParserError('HPE_INVALID_CONSTANT', 'Expected HTTP/, RTSP/ or ICE/');
}

/** Optional whitespace around a field value is SP and HTAB only (RFC 9110 §5.5): not String#trim's set. */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  for (const part of list.split(',')) if (part.trim() === token) return true;
  return false;
}
