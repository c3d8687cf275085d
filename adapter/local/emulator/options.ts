import type { EmulatorOptions, ResolvedEmulatorOptions } from './types.ts';

/** 6 MiB + 100 bytes: the buffered response limit of the Runtime API. */
export const BUFFERED_LIMIT_BYTES = 6_291_556;
/** 200 MiB of streamed body after the prelude. */
export const STREAM_LIMIT_BYTES = 200 * 1024 * 1024;

/**
 * Fill in defaults and check every option, reporting all problems at once.
 * @example resolveOptions({ maxConcurrency: 4 }).functionArn // 'arn:aws:lambda:us-east-1:123456789012:function:ferry-local'
 */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const problems: string[] = [];
  const positiveInt = (name: keyof EmulatorOptions, value: number | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer >= ${min}; got ${String(value)}`);
    return value;
  };

  const functionName = options.functionName ?? 'ferry-local';
  const arnRegion = options.functionArn?.split(':')[3];
  const region = options.region ?? (arnRegion || 'us-east-1');
  const resolved: ResolvedEmulatorOptions = {
    host: options.host ?? '127.0.0.1',
    port: positiveInt('port', options.port, 0, 0),
    functionName,
    functionVersion: options.functionVersion ?? '$LATEST',
    functionArn: options.functionArn ?? `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
    region,
    handler: options.handler ?? 'ferry',
    memoryMb: positiveInt('memoryMb', options.memoryMb, 1024),
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 30_000),
    freeze: options.freeze ?? false,
    freezeSettleMs: positiveInt('freezeSettleMs', options.freezeSettleMs, 5, 0),
    bufferedLimitBytes: positiveInt('bufferedLimitBytes', options.bufferedLimitBytes, BUFFERED_LIMIT_BYTES, 0),
    streamLimitBytes: positiveInt('streamLimitBytes', options.streamLimitBytes, STREAM_LIMIT_BYTES, 0),
  };
  if (options.maxConcurrency !== undefined) {
    resolved.maxConcurrency = positiveInt('maxConcurrency', options.maxConcurrency, 1);
  }
  if (problems.length > 0) throw new TypeError(`Invalid emulator options: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}
