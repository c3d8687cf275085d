/** The sandbox's output: every stdout/stderr line of its processes, kept, tailed and waited for. */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';

export interface LogLine {
  source: string;
  line: string;
  at: number;
}

const LOG_TAIL = 15;

export function createLogLines(onLog?: (source: string, line: string) => void) {
  const logs: LogLine[] = [];
  const lines = new EventEmitter();
  lines.setMaxListeners(0);

  const add = (source: string, line: string) => {
    const entry = { source, line, at: performance.now() };
    logs.push(entry);
    onLog?.(source, line);
    lines.emit('line', entry);
  };

  return {
    logs,
    /** Collect a process's stream under `source`. */
    follow(stream: Readable, source: string): void {
      splitLines(stream, (line) => add(source, line));
    },
    /** The last lines of one source, indented, for error messages. */
    tail(source: string): string {
      return (
        logs
          .filter((l) => l.source === source)
          .slice(-LOG_TAIL)
          .map((l) => `    ${l.line}`)
          .join('\n') || '    (no output)'
      );
    },
    /** The first line (already collected or still to come) matching `pattern`. */
    waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
      const found = logs.find((l) => pattern.test(l.line));
      if (found) return Promise.resolve(found.line);
      return new Promise((resolve, reject) => {
        const onLine = (entry: LogLine) => {
          if (!pattern.test(entry.line)) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(entry.line);
        };
        const timer = setTimeout(() => {
          lines.off('line', onLine);
          const recent =
            logs
              .slice(-LOG_TAIL)
              .map((l) => `    [${l.source}] ${l.line}`)
              .join('\n') || '    (no output)';
          reject(new Error(`waitForLog(${pattern}) timed out after ${timeoutMs} ms. Last lines:\n${recent}`));
        }, timeoutMs);
        lines.on('line', onLine);
      });
    },
  };
}

/** Split a stream into lines (LF or CRLF); a last line without a newline is flushed at the end. */
export function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    rest += text;
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, at).replace(/\r$/, ''));
      rest = rest.slice(at + 1);
    }
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
  stream.on('error', () => {});
}
