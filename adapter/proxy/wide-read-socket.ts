/**
 * An undici connector whose connections read up to 1 MiB per system call.
 *
 * Why: libuv reads a TCP socket 64 KiB at a time, so relaying a 190 MiB response took about
 * 3,000 reads, each one a system call, an ACK that wakes the app, and one trip through undici's
 * parser, the body stream and the upload. With 1 MiB reads a fast app's bytes arrive in a few
 * hundred pieces (ARCHITECTURE.md, the data path, for the measured effect). `net.Socket`'s `onread`
 * option gives the bigger reads but hands them to a callback instead of the stream undici reads,
 * so this Duplex stands between: each read is copied out of the shared read buffer into one
 * Buffer of exactly its size and pushed; everything else is passed through to the socket.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';

const READ_BYTES = 1024 * 1024;
/** How much read data may wait unread (undici paused by a slow consumer) before reading stops. */
const UNREAD_LIMIT = READ_BYTES;

// One buffer serves every connection: each read is copied out before its callback returns, and
// the next read (of any socket) only happens after that.
let readBuffer: Buffer | undefined;

export const wideReadConnector: buildConnector.connector = (options, callback) => {
  const wrapper: WideReadSocket = new WideReadSocket({ host: options.hostname, port: Number(options.port) }, (error) => {
    if (error) callback(error, null);
    else callback(null, wrapper as unknown as net.Socket);
  });
};

/** The start of a request head as undici writes it (`GET /path…`): method, space, origin-form target. */
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ \//;
/** An interim `100 Continue` block, complete. */
const CONTINUE_BLOCK = /^HTTP\/1\.[01] 100 [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/;

class WideReadSocket extends Duplex {
  readonly #socket: net.Socket;
  /** A request head went out and no byte of its answer came back yet. */
  #awaitingAnswer = false;

  constructor(to: { host: string; port: number }, onConnect: (error?: Error) => void) {
    // Strings are decoded into Buffers before `_write` (Writable's default): undici writes request
    // heads as latin1 strings, and the encoding must not be lost on the way to the socket.
    super({ readableHighWaterMark: UNREAD_LIMIT, allowHalfOpen: false });
    this.#socket = net.connect({
      ...to,
      noDelay: true,
      onread: {
        buffer: (readBuffer ??= Buffer.allocUnsafe(READ_BYTES)),
        // false (too much unread) stops reading until `_read` resumes it.
        callback: (bytes, data) => this.push(this.#withoutContinue(Buffer.from(data.subarray(0, bytes)))),
      },
    });
    let connected = false;
    this.#socket.once('connect', () => {
      connected = true;
      onConnect();
    });
    this.#socket.on('error', (error) => {
      // Before the connect, the error is the connector's answer and undici never saw this object.
      if (connected) this.destroy(error);
      else {
        this.destroy();
        onConnect(error);
      }
    });
    // At the app's FIN the socket closes at once, while read bytes may still wait here for a slow
    // reader: end after them instead of destroying them.
    let ended = false;
    this.#socket.once('end', () => {
      ended = true;
      this.push(null);
    });
    this.#socket.once('close', () => {
      if (!ended) this.destroy();
    });
  }

  /**
   * undici fails a request whose answer starts with an unsolicited `100 Continue` ("bad
   * response"), which servers may send and clients must ignore (RFC 9110 §15.2): drop that block
   * when it is the first thing read after a request head (it fits in one read).
   */
  #withoutContinue(chunk: Buffer): Buffer {
    if (!this.#awaitingAnswer) return chunk;
    this.#awaitingAnswer = false;
    const found = CONTINUE_BLOCK.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 1024)));
    return found ? chunk.subarray(found[0].length) : chunk;
  }

  #noteWrite(chunk: Buffer): void {
    if (REQUEST_LINE.test(chunk.toString('latin1', 0, Math.min(chunk.length, 32)))) this.#awaitingAnswer = true;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#noteWrite(chunk);
    this.#socket.write(chunk, done);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void): void {
    this.#noteWrite(chunks[0].chunk);
    this.#socket.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.#socket.write(chunks[i].chunk);
    this.#socket.write(chunks[chunks.length - 1].chunk, done);
    this.#socket.uncork();
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.#socket.destroyed) done();
    else this.#socket.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#socket.destroy();
    done(error);
  }

  // The parts of net.Socket that undici uses.
  ref(): this {
    this.#socket.ref();
    return this;
  }
  unref(): this {
    this.#socket.unref();
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#socket.setKeepAlive(enable, delay);
    return this;
  }
  get remoteAddress() {
    return this.#socket.remoteAddress;
  }
  get remotePort() {
    return this.#socket.remotePort;
  }
  get remoteFamily() {
    return this.#socket.remoteFamily;
  }
  get localAddress() {
    return this.#socket.localAddress;
  }
  get localPort() {
    return this.#socket.localPort;
  }
  get bytesRead() {
    return this.#socket.bytesRead;
  }
  get bytesWritten() {
    return this.#socket.bytesWritten;
  }
}
