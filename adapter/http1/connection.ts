/**
 * One keep-alive HTTP/1.1 connection over net.Socket: one request at a time, the answer parsed
 * as it is read (response-parser.ts), its body a Readable that holds the socket back while the
 * consumer has not taken what was read.
 *
 * Wide reads: libuv reads a TCP socket 64 KiB at a time, so relaying a 190 MiB response took
 * about 3,000 reads, each a system call, an ACK that wakes the app, and a trip through the
 * parser and the upload. `onread` reads up to 1 MiB at a time, into the buffer read-buffers.ts
 * gives: the shared one (body bytes copied out as they are parsed), or, for a body whose
 * consumer borrows (the streamed relay), one this connection owns and lends out without a copy.
 */
import net from 'node:net';
import { Readable } from 'node:stream';
import type { HeaderMap } from '../events/index.ts';
import { READ_BYTES, isLent, lend, ownReadBuffer, sharedReadBuffer, stopReading } from './read-buffers.ts';
import { ResponseParser, type ResponseHead } from './response-parser.ts';

/** How much of a body may wait unread (a slow consumer) before the socket stops reading. */
const UNREAD_LIMIT = READ_BYTES;

export interface HttpResponse {
  statusCode: number;
  /** Lower-case names, repeats as arrays in arrival order, no prototype. */
  headers: HeaderMap;
  /** The caller must consume or destroy it: a consumed body gives the connection back to its pool. */
  body: ResponseBody;
}

/** A response read to its end (an exchange made with `whole`). */
export interface WholeResponse {
  statusCode: number;
  headers: HeaderMap;
  body: Buffer;
}

/** What a failed exchange tells the pool's caller: whether any byte of an answer had come. */
export type ExchangeError = Error & { code?: string; answered?: boolean };

/** The body of one response. `trailers` is filled in at its end (chunked bodies). */
export class ResponseBody extends Readable {
  trailers: HeaderMap = Object.create(null);
  /**
   * Set by a consumer that gives every chunk back (read-buffers.ts giveBack) once it is done
   * with it: chunks are then views of a read buffer, not copies (from the next read on).
   */
  borrowing = false;
  #connection: Connection | undefined;

  constructor(connection: Connection) {
    super({ highWaterMark: UNREAD_LIMIT });
    this.#connection = connection;
  }

  /** The body was read to its end: destroying it later no longer concerns the connection. */
  complete(trailers: HeaderMap): void {
    this.trailers = trailers;
    this.#connection = undefined;
    this.push(null);
  }

  override _read(): void {
    this.#connection?.resume();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Given up before its end: the rest of the answer would arrive on a connection nobody reads.
    this.#connection?.destroy();
    this.#connection = undefined;
    done(error);
  }
}

interface Exchange {
  resolve(response: HttpResponse | WholeResponse): void;
  reject(error: ExchangeError): void;
  body: ResponseBody | undefined;
  /** A whole response's body so far: it resolves at the end, with no stream in between. */
  pieces: Buffer[] | undefined;
  head: ResponseHead | undefined;
  answered: boolean;
  /** Whether the request is fully written (a streamed upload is not until its caller ends it). */
  sent: boolean;
  keepAlive: boolean;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
}

/** How an exchange may be cut short: a deadline's signal (head and body), a time limit. */
export interface ExchangeLimits {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface ExchangeOptions extends ExchangeLimits {
  /** A HEAD request: the answer has no body. */
  noBody?: boolean;
  /** False for a body the caller goes on writing (until sent()). */
  sent?: boolean;
  /** Resolve at the end with the whole body (WholeResponse) instead of at the head with a stream. */
  whole?: boolean;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  maxHeadBytes: number;
  /** Passed to the socket: how much a writer may queue before write() returns false. */
  writableHighWaterMark?: number;
  /** Called when an exchange ended with the connection reusable. */
  onIdle(connection: Connection): void;
}

export class Connection {
  readonly socket: net.Socket;
  /** When it last became idle (Date.now()). */
  idleSince = 0;
  /** Set once the connection must not be used again. */
  dead = false;
  readonly #parser: ResponseParser;
  readonly #onIdle: (connection: Connection) => void;
  #exchange: Exchange | undefined;
  /** Whether the consumer takes body bytes (false: the socket stopped reading). */
  #flowing = true;
  /** The read buffer this connection owns while its body is borrowed (read-buffers.ts). */
  #own: Buffer | undefined;

  constructor(options: ConnectionOptions) {
    this.#onIdle = options.onIdle;
    this.#parser = new ResponseParser(
      {
        onHead: (head) => this.#onHead(head),
        onBody: (chunk) => {
          const exchange = this.#exchange!;
          if (exchange.pieces) return void exchange.pieces.push(Buffer.from(chunk));
          // Lent when it was read into this connection's own buffer, else copied out of the shared one.
          const lent = chunk.buffer === this.#own?.buffer;
          if (lent) lend(chunk);
          if (!exchange.body!.push(lent ? chunk : Buffer.from(chunk))) this.#flowing = false;
        },
        onEnd: (trailers) => this.#onEnd(trailers),
      },
      options.maxHeadBytes,
    );
    this.socket = net.connect({
      host: options.host,
      port: options.port,
      noDelay: true,
      writableHighWaterMark: options.writableHighWaterMark,
      // The buffer function runs before the first read and after each read's callback.
      onread: { buffer: () => this.#nextReadBuffer(), callback: (bytes, buffer) => this.#onRead((buffer as Buffer).subarray(0, bytes)) },
    } as net.NetConnectOpts);
    this.socket.on('error', (error) => {
      // As node:http does, a reset ends a body framed by the close: a server may close abortively
      // after its answer (Node's 400 for a request it cannot parse says `Connection: close`, and
      // the request body it never read turns its FIN into a RST). Any other unfinished answer fails.
      if (this.#parser.endsAtClose) this.#parser.finish();
      this.#fail(error);
    });
    this.socket.once('end', () => {
      try {
        this.#parser.finish();
      } catch (error) {
        this.#fail(error as Error);
      }
    });
    this.socket.once('close', () => this.#fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  }

  /**
   * Write a request and resolve at its answer's head (or its end, `whole`). `payload` goes out as
   * it is (head, or head and body); `sent` false leaves the connection to the caller's writes
   * until it calls sent().
   */
  exchange(payload: string | Buffer | Array<string | Buffer>, options: ExchangeOptions & { whole: true }): Promise<WholeResponse>;
  exchange(payload: string | Buffer | Array<string | Buffer>, options?: ExchangeOptions): Promise<HttpResponse>;
  exchange(payload: string | Buffer | Array<string | Buffer>, options: ExchangeOptions = {}): Promise<HttpResponse | WholeResponse> {
    return new Promise((resolve, reject) => {
      const { signal, timeoutMs } = options;
      if (signal?.aborted) {
        this.destroy();
        return reject(abortError());
      }
      const exchange: Exchange = {
        resolve,
        reject,
        body: undefined,
        pieces: options.whole ? [] : undefined,
        head: undefined,
        answered: false,
        sent: options.sent ?? true,
        keepAlive: false,
        timer: undefined,
        signal,
      };
      this.#exchange = exchange;
      this.#parser.expect(options.noBody === true);
      if (timeoutMs !== undefined) {
        exchange.timer = setTimeout(() => this.#fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }
      signal?.addEventListener('abort', this.#onAbort, { once: true });
      this.socket.ref();
      if (Array.isArray(payload)) {
        this.socket.cork();
        for (const piece of payload) this.socket.write(piece, 'latin1');
        this.socket.uncork();
      } else {
        this.socket.write(payload, 'latin1');
      }
    });
  }

  /** The caller's streamed request body is complete. */
  sent(): void {
    const exchange = this.#exchange;
    if (exchange) exchange.sent = true;
    // The answer may have come before the body was done: the connection is then out of step.
    else if (!this.dead) this.destroy();
  }

  /** The consumer wants more: read again if the socket had stopped. */
  resume(): void {
    if (this.#flowing) return;
    this.#flowing = true;
    this.socket.resume();
  }

  /** End the connection now; an exchange still on it fails. */
  destroy(error?: Error): void {
    this.#fail(error ?? Object.assign(new Error('the connection was closed'), { code: 'ECONNRESET' }));
  }

  readonly #onAbort = () => this.#fail(abortError());

  #nextReadBuffer(): Buffer {
    const own = this.#own;
    if (this.#exchange?.body?.borrowing) {
      if (own !== undefined && !isLent(own)) return own;
      if (own !== undefined) stopReading(own);
      return (this.#own = ownReadBuffer());
    }
    if (own !== undefined) {
      stopReading(own);
      this.#own = undefined;
    }
    return sharedReadBuffer();
  }

  #settle(exchange: Exchange): void {
    clearTimeout(exchange.timer);
    exchange.signal?.removeEventListener('abort', this.#onAbort);
  }

  #onRead(data: Buffer): boolean {
    const exchange = this.#exchange;
    if (exchange === undefined || this.dead) {
      // Bytes nobody asked for (an idle connection): out of step for good.
      this.destroy();
      return false;
    }
    exchange.answered = true;
    try {
      this.#parser.execute(data);
    } catch (error) {
      this.#fail(error as Error);
      return false;
    }
    return this.#flowing;
  }

  #onHead(head: ResponseHead): void {
    const exchange = this.#exchange!;
    exchange.keepAlive = head.keepAlive;
    if (exchange.pieces) {
      exchange.head = head;
      return;
    }
    const body = new ResponseBody(this);
    exchange.body = body;
    exchange.resolve({ statusCode: head.statusCode, headers: head.headers, body });
  }

  #onEnd(trailers: HeaderMap): void {
    const exchange = this.#exchange!;
    this.#settle(exchange);
    this.#exchange = undefined;
    // The body holds all it needs; an idle connection keeps reading, to see the server close it.
    this.#flowing = true;
    const { pieces, head } = exchange;
    if (pieces) exchange.resolve({ statusCode: head!.statusCode, headers: head!.headers, body: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces) });
    else exchange.body!.complete(trailers);
    if (!exchange.keepAlive) return this.destroy();
    if (!exchange.sent) return; // reused only once the caller's body is complete (sent())
    this.idleSince = Date.now();
    this.socket.unref();
    this.#onIdle(this);
  }

  #fail(error: ExchangeError): void {
    const exchange = this.#exchange;
    this.#exchange = undefined;
    if (!this.dead) {
      this.dead = true;
      this.socket.destroy();
      if (this.#own !== undefined) stopReading(this.#own);
      this.#own = undefined;
    }
    if (exchange === undefined) return;
    this.#settle(exchange);
    if (exchange.body) {
      exchange.body.destroy(error);
    } else {
      error.answered = exchange.answered;
      exchange.reject(error);
    }
  }
}

/** What node:http and fetch reject with when their signal aborts. */
function abortError(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}
