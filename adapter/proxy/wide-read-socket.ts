/**
 * App connections that read up to 1 MiB per system call, for node:http's Agent (`createConnection`).
 *
 * Why: libuv reads a TCP socket 64 KiB at a time, so relaying a 190 MiB response took about
 * 3,000 reads, each one a system call, an ACK that wakes the app, and one trip through the HTTP
 * parser, the body stream and the upload. With 1 MiB reads a fast app's bytes arrive in a few
 * hundred pieces (ARCHITECTURE.md, the data path, for the measured effect). `net.Socket`'s `onread`
 * option gives the bigger reads but hands them to a callback instead of the stream node:http reads,
 * so this Duplex stands between it and node:http's parser: each read is copied out of the shared read buffer into one
 * Buffer of exactly its size and pushed; everything else is passed through to the socket.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';

const READ_BYTES = 1024 * 1024;
/** How much read data may wait unread (the response paused by a slow consumer) before reading stops. */
const UNREAD_LIMIT = READ_BYTES;

// One buffer serves every connection: each read is copied out before its callback returns, and
// the next read (of any socket) only happens after that.
let readBuffer: Buffer | undefined;

/**
 * An http.Agent `createConnection`: the connection is returned at once (node:http queues the
 * request head until it connects); a failed connect destroys it with net's error (code kept).
 */
export function connectWideRead(options: { host?: string | null; port?: number | string | null }): net.Socket {
  return new WideReadSocket({ host: options.host ?? 'localhost', port: Number(options.port) }) as unknown as net.Socket;
}

class WideReadSocket extends Duplex {
  readonly #socket: net.Socket;
  /** Read by http.Agent to decide whether an idle socket's timeout must change. */
  timeout = 0;

  constructor(to: { host: string; port: number }) {
    // Strings are decoded into Buffers before `_write` (Writable's default): node:http writes
    // request heads as latin1 strings, and the encoding must not be lost on the way to the socket.
    super({ readableHighWaterMark: UNREAD_LIMIT, allowHalfOpen: false });
    this.#socket = net.connect({
      ...to,
      noDelay: true,
      onread: {
        buffer: (readBuffer ??= Buffer.allocUnsafe(READ_BYTES)),
        // false (too much unread) stops reading until `_read` resumes it.
        callback: (bytes, data) => this.push(Buffer.from(data.subarray(0, bytes))),
      },
    });
    this.#socket.once('connect', () => this.emit('connect'));
    this.#socket.on('error', (error) => this.destroy(error));
    // The Agent arms an idle timeout on free sockets (the app's Keep-Alive hint) and listens here.
    this.#socket.on('timeout', () => this.emit('timeout'));
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

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#socket.write(chunk, done);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void): void {
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

  // The parts of net.Socket that node:http and its Agent use.
  ref(): this {
    this.#socket.ref();
    return this;
  }
  unref(): this {
    this.#socket.unref();
    return this;
  }
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.timeout = ms;
    this.#socket.setTimeout(ms);
    if (onTimeout) this.once('timeout', onTimeout);
    return this;
  }
  get connecting() {
    return this.#socket.connecting;
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
