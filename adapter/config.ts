/**
 * Configuration: a pure function of an explicit environment object.
 * Every problem is collected and reported together; the result is frozen.
 * Names follow the Rust Lambda Web Adapter (AWS_LWA_*) where it has the option; Ferry's own use FERRY_.
 */
import { FerryError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export type InvokeMode = 'buffered' | 'response_stream';
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** Inclusive status ranges, e.g. `200-399,404` → [[200,399],[404,404]]. */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

export interface Config {
  /** AWS_LAMBDA_RUNTIME_API: `host:port` of the Runtime API. Required. */
  runtimeApi: string;
  /** AWS_LWA_PORT, then PORT; default 8080. The app's port. */
  port: number;
  /** AWS_LWA_HOST; default 127.0.0.1. */
  host: string;
  /** AWS_LWA_READINESS_CHECK_PORT; default the app port. */
  readinessPort: number;
  /** AWS_LWA_READINESS_CHECK_PATH; default `/`. */
  readinessPath: string;
  /** AWS_LWA_READINESS_CHECK_PROTOCOL: `http` or `tcp`; default http. */
  readinessProtocol: 'http' | 'tcp';
  /** AWS_LWA_READINESS_CHECK_HEALTHY_STATUS; default 100-499. */
  healthyStatus: StatusRanges;
  /** AWS_LWA_ASYNC_INIT; default false. Finish Init at ~9.8 s and keep waiting in the first invocation. */
  asyncInit: boolean;
  /** AWS_LWA_INVOKE_MODE: `buffered` or `response_stream`; default buffered. */
  invokeMode: InvokeMode;
  /** AWS_LWA_REMOVE_BASE_PATH: a path prefix removed on a segment boundary; default none. */
  removeBasePath: string | undefined;
  /** AWS_LWA_AUTHORIZATION_SOURCE: a header whose value is moved into `authorization`; default none. */
  authorizationSource: string | undefined;
  /** AWS_LWA_PASS_THROUGH_PATH; default `/events`. Where non-HTTP events are POSTed. */
  passThroughPath: string;
  /** AWS_LWA_ERROR_STATUS_CODES: app statuses reported as invocation errors; default none. */
  errorStatusCodes: StatusRanges;
  /** AWS_LWA_ENABLE_COMPRESSION; default false. gzip/br buffered responses per Accept-Encoding. */
  compression: boolean;
  /** FERRY_DEADLINE_MARGIN_MS; default 500. Ferry answers this long before the Lambda deadline. */
  deadlineMarginMs: number;
  /** FERRY_READINESS_PROBE_TIMEOUT_MS; default 1000. Each readiness probe's own time limit. */
  probeTimeoutMs: number;
  /** FERRY_INIT_READINESS_TIMEOUT_MS; default 9800 (125000 for provisioned concurrency and SnapStart). How long Init waits for the app. */
  initReadinessTimeoutMs: number;
  /** FERRY_INCLUDE_STAGE; default false. REST API only: keep `/{stage}` at the front of the path. */
  includeStage: boolean;
  /** AWS_LAMBDA_MAX_CONCURRENCY (set by Lambda Managed Instances); default 1. Concurrent invocation loops. */
  maxConcurrency: number;
  /** AWS_LAMBDA_LOG_FORMAT: `JSON` or `Text`; default Text. */
  logFormat: 'json' | 'text';
  /** AWS_LAMBDA_LOG_LEVEL; default INFO. */
  logLevel: LogLevel;
  /** Facts about the function Lambda puts in the environment, passed to the app in x-amzn-lambda-context. */
  functionName: string;
  functionVersion: string;
  functionMemoryMb: number;
}

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** Read and validate the configuration. Throws one FerryError (code FERRY_CONFIG) listing every problem. */
export function loadConfig(env: Env): Readonly<Config> {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const runtimeApi = env.AWS_LAMBDA_RUNTIME_API?.trim();
  if (!runtimeApi) problems.push('AWS_LAMBDA_RUNTIME_API is not set: Ferry must be started by Lambda (or `ferry local`)');
  else if (!/^[^\s/:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(runtimeApi))
    problems.push(`AWS_LAMBDA_RUNTIME_API must be host:port; got '${runtimeApi}'`);

  const port = env.AWS_LWA_PORT !== undefined ? read.port('AWS_LWA_PORT', 8080) : read.port('PORT', 8080);
  const config: Config = {
    runtimeApi: runtimeApi ?? '',
    port,
    host: read.string('AWS_LWA_HOST', '127.0.0.1'),
    readinessPort: read.port('AWS_LWA_READINESS_CHECK_PORT', port),
    readinessPath: read.path('AWS_LWA_READINESS_CHECK_PATH', '/'),
    readinessProtocol: read.oneOf('AWS_LWA_READINESS_CHECK_PROTOCOL', ['http', 'tcp'] as const, 'http'),
    healthyStatus: read.statusRanges('AWS_LWA_READINESS_CHECK_HEALTHY_STATUS', '100-499'),
    asyncInit: read.boolean('AWS_LWA_ASYNC_INIT', false),
    invokeMode: read.oneOf('AWS_LWA_INVOKE_MODE', ['buffered', 'response_stream'] as const, 'buffered'),
    removeBasePath: read.optionalPath('AWS_LWA_REMOVE_BASE_PATH'),
    authorizationSource: read.optionalHeaderName('AWS_LWA_AUTHORIZATION_SOURCE'),
    passThroughPath: read.path('AWS_LWA_PASS_THROUGH_PATH', '/events'),
    errorStatusCodes: read.statusRanges('AWS_LWA_ERROR_STATUS_CODES', ''),
    compression: read.boolean('AWS_LWA_ENABLE_COMPRESSION', false),
    deadlineMarginMs: read.integer('FERRY_DEADLINE_MARGIN_MS', 500, 0, 60_000),
    probeTimeoutMs: read.integer('FERRY_READINESS_PROBE_TIMEOUT_MS', 1000, 1, 60_000),
    initReadinessTimeoutMs: read.integer('FERRY_INIT_READINESS_TIMEOUT_MS', defaultInitBudget(env.AWS_LAMBDA_INITIALIZATION_TYPE), 1, 900_000),
    includeStage: read.boolean('FERRY_INCLUDE_STAGE', false),
    maxConcurrency: read.integer('AWS_LAMBDA_MAX_CONCURRENCY', 1, 1, 1024),
    logFormat: read.oneOf('AWS_LAMBDA_LOG_FORMAT', ['JSON', 'Text'] as const, 'Text', true) === 'JSON' ? 'json' : 'text',
    logLevel: read.oneOf('AWS_LAMBDA_LOG_LEVEL', LOG_LEVELS, 'INFO', true),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    functionMemoryMb: read.integer('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 0, 0, 1_000_000),
  };

  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new FerryError('FERRY_CONFIG', `Invalid Ferry configuration:\n${list}`);
  }
  return Object.freeze(config);
}

/**
 * Lambda's on-demand Init limit is 10 s: Ferry leaves itself 200 ms to report a failure.
 * Provisioned concurrency and SnapStart allow up to 130 s of Init.
 */
function defaultInitBudget(initializationType: string | undefined): number {
  return initializationType === 'provisioned-concurrency' || initializationType === 'snap-start' ? 125_000 : 9_800;
}

/** Parse `200-399,404` into inclusive ranges; throws a message on bad input. */
export function parseStatusRanges(text: string): StatusRanges {
  const ranges: Array<readonly [number, number]> = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    const low = match ? Number(match[1]) : NaN;
    const high = match?.[2] !== undefined ? Number(match[2]) : low;
    if (!match || low < 100 || high > 599 || low > high) throw new Error(`'${part}' is not a status code (100-599) or range like 200-399`);
    ranges.push([low, high]);
  }
  return ranges;
}

export function statusIn(status: number, ranges: StatusRanges): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}

/** Typed readers that record a problem and return the default, so all problems are found in one pass. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer ${min}-${max}; got '${value}'`);
      return fallback;
    }
    return Number(value);
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 1, 65535);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1' || value === 'yes') return true;
    if (value === 'false' || value === '0' || value === 'no') return false;
    this.problems.push(`${name} must be true or false; got '${this.raw(name)}'`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, ignoreCase = false): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const found = allowed.find((a) => (ignoreCase ? a.toLowerCase() === value.toLowerCase() : a === value));
    if (found === undefined) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}; got '${value}'`);
      return fallback;
    }
    return found;
  }

  /** A request target: a path starting with '/', optionally with a query (`/health?deep=1`). */
  path(name: string, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!value.startsWith('/') || /[\s#]/.test(value)) {
      this.problems.push(`${name} must be a path starting with '/' (no spaces or '#'); got '${value}'`);
      return fallback;
    }
    return value;
  }

  /** A bare path prefix (no query). */
  optionalPath(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!value.startsWith('/') || /[\s?#]/.test(value)) {
      this.problems.push(`${name} must be a path starting with '/' (no spaces, '?' or '#'); got '${value}'`);
      return undefined;
    }
    return value;
  }

  optionalHeaderName(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) {
      this.problems.push(`${name} must be an HTTP header name; got '${value}'`);
      return undefined;
    }
    return value.toLowerCase();
  }

  statusRanges(name: string, fallback: string): StatusRanges {
    try {
      return parseStatusRanges(this.raw(name) ?? fallback);
    } catch (error) {
      this.problems.push(`${name} must be a list of status codes and ranges like 200-399,404: ${(error as Error).message}`);
      return parseStatusRanges(fallback);
    }
  }
}
