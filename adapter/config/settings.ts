/**
 * Every environment variable Ferry reads, with its default, its meaning and the reader that
 * validates it. The README's configuration table and its "Coming from Lambda Web Adapter"
 * section are checked against these tables (test/docs/settings.test.ts), and `loadConfig`
 * refuses to read a name that is not here, so code, tables and docs cannot drift apart.
 *
 * Names shared with the Rust Lambda Web Adapter (LWA) keep LWA's names and meaning, as read in
 * aws/aws-lambda-web-adapter at 1.0.1 (src/lib.rs, README "Configurations") and, for
 * AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS, its main branch after 1.0.1 (CHANGELOG "Unreleased").
 */

/** How a value is validated (adapter/config/reader.ts has one method per kind). */
export type ReaderKind =
  | 'port'
  | 'integer'
  | 'seconds'
  | 'boolean'
  | 'choice'
  | 'path'
  | 'base-path'
  | 'header-name'
  | 'status-ranges'
  | 'host'
  | 'host-port'
  | 'text';

export interface Setting {
  readonly name: string;
  /** The default as the README shows it (Markdown). */
  readonly default: string;
  /** What it does, as the README shows it (Markdown). */
  readonly meaning: string;
  readonly reader: ReaderKind;
  /** Names read, in order, when `name` is not set; still supported, no warning (LWA's PORT). */
  readonly fallbacks?: readonly string[];
  /** LWA's unprefixed 0.x names: honoured with one WARN naming `name`; `name` wins when both are set. */
  readonly deprecated?: readonly string[];
}

/** The settings a user sets: the README configuration table, row for row. */
export const SETTINGS: readonly Setting[] = [
  { name: 'AWS_LWA_PORT', fallbacks: ['PORT'], default: '`8080`', meaning: 'the port your app listens on', reader: 'port' },
  { name: 'AWS_LWA_HOST', deprecated: ['HOST'], default: '`127.0.0.1`', meaning: 'the host your app listens on', reader: 'host' },
  { name: 'AWS_LWA_READINESS_CHECK_PORT', deprecated: ['READINESS_CHECK_PORT'], default: 'the app port', meaning: 'where readiness is probed', reader: 'port' },
  {
    name: 'AWS_LWA_READINESS_CHECK_PATH',
    deprecated: ['READINESS_CHECK_PATH'],
    default: '`/`',
    meaning: "the readiness request's path (a query is allowed)",
    reader: 'path',
  },
  {
    name: 'AWS_LWA_READINESS_CHECK_PROTOCOL',
    deprecated: ['READINESS_CHECK_PROTOCOL'],
    default: '`http`',
    meaning: '`http` (a GET) or `tcp` (a connection only), in any case',
    reader: 'choice',
  },
  { name: 'AWS_LWA_READINESS_CHECK_HEALTHY_STATUS', default: '`100-499`', meaning: 'statuses that mean ready, e.g. `200-399,404`', reader: 'status-ranges' },
  {
    name: 'AWS_LWA_ASYNC_INIT',
    deprecated: ['ASYNC_INIT'],
    default: '`false`',
    meaning: 'if the app is not ready when Init must end, end Init anyway and keep waiting inside the first invocation (bounded by its deadline)',
    reader: 'boolean',
  },
  { name: 'AWS_LWA_INVOKE_MODE', default: '`buffered`', meaning: '`buffered` or `response_stream`, in any case (see Streaming)', reader: 'choice' },
  {
    name: 'AWS_LWA_REMOVE_BASE_PATH',
    deprecated: ['REMOVE_BASE_PATH'],
    default: 'none',
    meaning: 'a prefix removed from request paths on a segment boundary: `/api/x` → `/x`, `/apix` unchanged',
    reader: 'base-path',
  },
  { name: 'AWS_LWA_AUTHORIZATION_SOURCE', default: 'none', meaning: 'a header whose value is moved into `authorization`', reader: 'header-name' },
  { name: 'AWS_LWA_PASS_THROUGH_PATH', default: '`/events`', meaning: 'where non-HTTP events (SQS, SNS, S3, EventBridge…) are POSTed', reader: 'path' },
  {
    name: 'AWS_LWA_ERROR_STATUS_CODES',
    default: 'none',
    meaning: 'app statuses reported as invocation errors, e.g. `500,502-504`; the `errorMessage` is `{"statusCode":503,"body":"…"}`, as in Lambda Web Adapter',
    reader: 'status-ranges',
  },
  { name: 'AWS_LWA_ENABLE_COMPRESSION', default: '`false`', meaning: 'gzip or br buffered responses per `Accept-Encoding`', reader: 'boolean' },
  {
    name: 'AWS_LWA_LAMBDA_RUNTIME_API_PROXY',
    default: 'none',
    meaning:
      "`host:port` of a Runtime API proxy (Datadog's layer, payload capture): invocations go through it, extension registration still goes to `AWS_LAMBDA_RUNTIME_API`",
    reader: 'host-port',
  },
  {
    name: 'AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS',
    default: '`4`',
    meaning: 'seconds (`0.5` allowed) after which an idle connection to the app is not reused; `0` opens a new connection for every request',
    reader: 'seconds',
  },
  {
    name: 'FERRY_DEADLINE_MARGIN_MS',
    default: '`500`',
    meaning: 'Ferry answers (504, error trailer, invocation error) this long before the invocation deadline',
    reader: 'integer',
  },
  { name: 'FERRY_READINESS_PROBE_TIMEOUT_MS', default: '`1000`', meaning: "each readiness probe's own time limit", reader: 'integer' },
  {
    name: 'FERRY_INIT_READINESS_TIMEOUT_MS',
    default: '`9800` (`125000` with provisioned concurrency, SnapStart or Managed Instances)',
    meaning: 'how long Init waits for the app before reporting it not ready',
    reader: 'integer',
  },
  { name: 'FERRY_INCLUDE_STAGE', default: '`false`', meaning: 'REST APIs only: keep `/{stage}` at the front of the path', reader: 'boolean' },
];

/** What Lambda itself sets; Ferry reads it, the user does not set it. */
export const LAMBDA_VARIABLES: readonly Setting[] = [
  { name: 'AWS_LAMBDA_RUNTIME_API', default: 'set by Lambda', meaning: '`host:port` of the Runtime and Extensions APIs', reader: 'host-port' },
  { name: 'AWS_LAMBDA_MAX_CONCURRENCY', default: '`1`', meaning: 'Managed Instances: that many concurrent invocations', reader: 'integer' },
  { name: 'AWS_LAMBDA_LOG_FORMAT', default: '`Text`', meaning: '`JSON` gives JSON log lines', reader: 'choice' },
  { name: 'AWS_LAMBDA_LOG_LEVEL', default: '`INFO`', meaning: 'the lowest level logged', reader: 'choice' },
  { name: 'AWS_LAMBDA_INITIALIZATION_TYPE', default: '`on-demand`', meaning: 'chooses the Init budget', reader: 'text' },
  { name: 'AWS_LAMBDA_FUNCTION_NAME', default: 'empty', meaning: 'passed to the app in `x-amzn-lambda-context`', reader: 'text' },
  { name: 'AWS_LAMBDA_FUNCTION_VERSION', default: '`$LATEST`', meaning: 'passed to the app in `x-amzn-lambda-context`', reader: 'text' },
  { name: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', default: '`0`', meaning: 'passed to the app in `x-amzn-lambda-context`', reader: 'integer' },
];

/** LWA 0.9.x's unhealthy threshold, removed in LWA 1.0: Ferry maps it to a healthy range, with a WARN. */
export const MIN_UNHEALTHY_STATUS = 'AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS';

/** LWA settings Ferry does not implement: set, each gets a WARN saying so, never silence. */
export const UNSUPPORTED_LWA_SETTINGS: ReadonlyArray<{ readonly name: string; readonly why: string }> = [
  { name: 'AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH', why: 'Ferry has no SnapStart hooks (unreleased in Lambda Web Adapter after 1.0.1)' },
  { name: 'AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH', why: 'Ferry has no SnapStart hooks (unreleased in Lambda Web Adapter after 1.0.1)' },
  {
    name: 'AWS_LWA_READINESS_CHECK_TIMEOUT_SECONDS',
    why: 'Ferry always bounds the Init readiness wait: set FERRY_INIT_READINESS_TIMEOUT_MS (milliseconds) instead',
  },
];

const BY_NAME = new Map([...SETTINGS, ...LAMBDA_VARIABLES].map((s) => [s.name, s]));

/** The table entry for `name`; a name missing from the tables is a bug in Ferry, not in the input. */
export function settingNamed(name: string): Setting {
  const setting = BY_NAME.get(name);
  if (!setting) throw new Error(`${name} is read by loadConfig but not listed in adapter/config/settings.ts`);
  return setting;
}

/** The README configuration table's rows, exactly as the README must show them. */
export function settingsTableRows(): string[] {
  return SETTINGS.map((s) => {
    const names = [s.name, ...(s.fallbacks ?? [])].map((n) => `\`${n}\``);
    const name = names.length === 1 ? names[0] : `${names[0]} (or ${names.slice(1).join(', ')})`;
    return `| ${name} | ${s.default} | ${s.meaning} |`;
  });
}
