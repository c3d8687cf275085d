/**
 * Configuration: a pure function of an explicit environment object.
 * Every problem is collected and reported together; the result is frozen.
 * Names follow the Rust Lambda Web Adapter (AWS_LWA_*) where it has the option; Ferry's own use FERRY_.
 * The names, defaults and meanings are tabled in config/settings.ts; the validation is config/reader.ts.
 */
import { FerryError } from './errors.ts';
import { Reader, parseStatusRanges, statusIn, type Env, type StatusRanges } from './config/reader.ts';
import { MIN_UNHEALTHY_STATUS, UNSUPPORTED_LWA_SETTINGS } from './config/settings.ts';

export { parseStatusRanges, statusIn, type Env, type StatusRanges };
export { SETTINGS, LAMBDA_VARIABLES, UNSUPPORTED_LWA_SETTINGS, MIN_UNHEALTHY_STATUS, settingsTableRows } from './config/settings.ts';

export type InvokeMode = 'buffered' | 'response_stream';
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface Config {
  /** Where the Runtime API calls go: AWS_LWA_LAMBDA_RUNTIME_API_PROXY, else AWS_LAMBDA_RUNTIME_API (required). */
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
  /** AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS, in ms; default 4000. An app connection idle longer is not reused; 0 = never reused. */
  poolIdleTimeoutMs: number;
  /** FERRY_DEADLINE_MARGIN_MS; default 500. Ferry answers this long before the Lambda deadline. */
  deadlineMarginMs: number;
  /** FERRY_READINESS_PROBE_TIMEOUT_MS; default 1000. Each readiness probe's own time limit. */
  probeTimeoutMs: number;
  /** FERRY_INIT_READINESS_TIMEOUT_MS; default 9800 (125000 for provisioned concurrency, SnapStart, Managed Instances). How long Init waits for the app. */
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
  /** What the operator should fix but Ferry could honour (deprecated names, ignored LWA settings): one WARN line each. */
  warnings: readonly string[];
}

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** Read and validate the configuration. Throws one FerryError (code FERRY_CONFIG) listing every problem. */
export function loadConfig(env: Env): Readonly<Config> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = new Reader(env, problems, warnings);

  const lambdaRuntimeApi = read.hostPort('AWS_LAMBDA_RUNTIME_API');
  if (read.raw('AWS_LAMBDA_RUNTIME_API') === undefined) read.problem('AWS_LAMBDA_RUNTIME_API is not set: Ferry must be started by Lambda (or `ferry local`)');
  // Extension registration (main.ts, before this runs) always uses AWS_LAMBDA_RUNTIME_API, as LWA 1.0.1 does.
  const runtimeApi = read.hostPort('AWS_LWA_LAMBDA_RUNTIME_API_PROXY') ?? lambdaRuntimeApi;

  const port = read.port('AWS_LWA_PORT', 8080);
  const config: Config = {
    runtimeApi: runtimeApi ?? '',
    port,
    host: read.host('AWS_LWA_HOST', '127.0.0.1'),
    readinessPort: read.port('AWS_LWA_READINESS_CHECK_PORT', port),
    readinessPath: read.path('AWS_LWA_READINESS_CHECK_PATH', '/'),
    readinessProtocol: read.choice('AWS_LWA_READINESS_CHECK_PROTOCOL', ['http', 'tcp'] as const, 'http'),
    healthyStatus: healthyStatus(read),
    asyncInit: read.boolean('AWS_LWA_ASYNC_INIT', false),
    invokeMode: read.choice('AWS_LWA_INVOKE_MODE', ['buffered', 'response_stream'] as const, 'buffered'),
    removeBasePath: read.basePath('AWS_LWA_REMOVE_BASE_PATH'),
    authorizationSource: read.headerName('AWS_LWA_AUTHORIZATION_SOURCE'),
    passThroughPath: read.path('AWS_LWA_PASS_THROUGH_PATH', '/events'),
    errorStatusCodes: read.statusRanges('AWS_LWA_ERROR_STATUS_CODES', ''),
    compression: read.boolean('AWS_LWA_ENABLE_COMPRESSION', false),
    poolIdleTimeoutMs: read.seconds('AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS', 4_000, 3_600),
    deadlineMarginMs: read.integer('FERRY_DEADLINE_MARGIN_MS', 500, 0, 60_000),
    probeTimeoutMs: read.integer('FERRY_READINESS_PROBE_TIMEOUT_MS', 1000, 1, 60_000),
    initReadinessTimeoutMs: read.integer(
      'FERRY_INIT_READINESS_TIMEOUT_MS',
      defaultInitBudget(read.text('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand')),
      1,
      900_000,
    ),
    includeStage: read.boolean('FERRY_INCLUDE_STAGE', false),
    maxConcurrency: read.integer('AWS_LAMBDA_MAX_CONCURRENCY', 1, 1, 1024),
    logFormat: read.choice('AWS_LAMBDA_LOG_FORMAT', ['JSON', 'Text'] as const, 'Text') === 'JSON' ? 'json' : 'text',
    logLevel: read.choice('AWS_LAMBDA_LOG_LEVEL', LOG_LEVELS, 'INFO'),
    functionName: read.text('AWS_LAMBDA_FUNCTION_NAME', ''),
    functionVersion: read.text('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST'),
    functionMemoryMb: read.integer('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 0, 0, 1_000_000),
    warnings,
  };
  for (const { name, why } of UNSUPPORTED_LWA_SETTINGS) {
    if (read.raw(name) !== undefined) read.warn(`${name} is a Lambda Web Adapter setting Ferry does not implement, so it is ignored: ${why}`);
  }

  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new FerryError('FERRY_CONFIG', `Invalid Ferry configuration:\n${list}`);
  }
  Object.freeze(warnings);
  return Object.freeze(config);
}

/**
 * AWS_LWA_READINESS_CHECK_HEALTHY_STATUS, or LWA 0.9.x's AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS
 * (statuses below it are healthy: 400 means 100-399), which LWA 1.0 removed without a warning.
 */
function healthyStatus(read: Reader): StatusRanges {
  const minUnhealthy = read.raw(MIN_UNHEALTHY_STATUS);
  const healthy = read.statusRanges('AWS_LWA_READINESS_CHECK_HEALTHY_STATUS', '100-499');
  if (minUnhealthy === undefined) return healthy;
  if (read.raw('AWS_LWA_READINESS_CHECK_HEALTHY_STATUS') !== undefined) {
    read.warn(
      `${MIN_UNHEALTHY_STATUS} is deprecated (removed in Lambda Web Adapter 1.0) and ignored because AWS_LWA_READINESS_CHECK_HEALTHY_STATUS is set; remove it`,
    );
    return healthy;
  }
  if (!/^\d+$/.test(minUnhealthy) || Number(minUnhealthy) < 101 || Number(minUnhealthy) > 600) {
    read.problem(`${MIN_UNHEALTHY_STATUS} must be an integer 101-600 (statuses below it are healthy); got '${minUnhealthy}'`);
    return healthy;
  }
  const range = `100-${Number(minUnhealthy) - 1}`;
  read.warn(
    `${MIN_UNHEALTHY_STATUS} is deprecated (removed in Lambda Web Adapter 1.0): read as AWS_LWA_READINESS_CHECK_HEALTHY_STATUS=${range}; set that instead`,
  );
  return parseStatusRanges(range);
}

/**
 * Lambda's on-demand Init limit is 10 s: Ferry leaves itself 200 ms to report a failure.
 * Provisioned concurrency and SnapStart allow up to 130 s of Init. On Managed Instances Init may
 * last max(130 s, the function timeout); Ferry cannot see the function timeout, so it takes the
 * 130 s it is sure of, less the same 5 s to report (raise FERRY_INIT_READINESS_TIMEOUT_MS, up to
 * 900000, for a longer function timeout).
 */
export function defaultInitBudget(initializationType: string): number {
  const long = ['provisioned-concurrency', 'snap-start', 'lambda-managed-instances'];
  return long.includes(initializationType) ? 125_000 : 9_800;
}
