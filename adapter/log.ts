/**
 * One concise line per notable event, on stderr (Lambda sends it to CloudWatch).
 * Text: `[ferry] WARN message key=value`; JSON when AWS_LAMBDA_LOG_FORMAT=JSON, as Lambda's own
 * structured logs: {"timestamp","level","message",...fields}. Nothing is logged per successful request.
 */
import type { LogLevel } from './config.ts';

export type LogFields = Record<string, string | number | boolean | undefined | null>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };

export function createLogger(
  options: { format: 'json' | 'text'; level: LogLevel },
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = RANK[options.level];
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (RANK[level] < threshold) return;
    if (options.format === 'json') {
      write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, logger: 'ferry', message, ...fields })}\n`);
      return;
    }
    let line = `[ferry] ${level} ${message}`;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const text = String(value);
      line += ` ${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    }
    write(`${line}\n`);
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARN', m, f),
    error: (m, f) => emit('ERROR', m, f),
  };
}
