/**
 * loadConfig is a pure function of the object it is given: these tests pass plain objects (no
 * process, no process.env) and read the frozen result or the one error listing every problem.
 */
import { describe, expect, it } from 'vitest';
import { LAMBDA_VARIABLES, MIN_UNHEALTHY_STATUS, SETTINGS, UNSUPPORTED_LWA_SETTINGS, loadConfig, type Config, type Env } from '../../adapter/config.ts';
import { Reader } from '../../adapter/config/reader.ts';
import { FerryError } from '../../adapter/errors.ts';

const LAMBDA = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' };
const load = (env: Env = {}) => loadConfig({ ...LAMBDA, ...env });

/** The message of the FerryError loadConfig throws for `env`. */
function problemsOf(env: Env): string {
  try {
    loadConfig({ ...LAMBDA, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe('FERRY_CONFIG');
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('defaults', () => {
  it('reads an environment with only AWS_LAMBDA_RUNTIME_API as LWA and Ferry document it', () => {
    const expected: Config = {
      runtimeApi: '127.0.0.1:9001',
      port: 8080,
      host: '127.0.0.1',
      readinessPort: 8080,
      readinessPath: '/',
      readinessProtocol: 'http',
      healthyStatus: [[100, 499]],
      asyncInit: false,
      invokeMode: 'buffered',
      removeBasePath: undefined,
      authorizationSource: undefined,
      passThroughPath: '/events',
      errorStatusCodes: [],
      compression: false,
      poolIdleTimeoutMs: 4000,
      deadlineMarginMs: 500,
      probeTimeoutMs: 1000,
      initReadinessTimeoutMs: 9800,
      includeStage: false,
      maxConcurrency: 1,
      logFormat: 'text',
      logLevel: 'INFO',
      functionName: '',
      functionVersion: '$LATEST',
      functionMemoryMb: 0,
      warnings: [],
    };
    expect(load()).toEqual(expected);
  });

  it('treats an empty or blank value as unset', () => {
    expect(load({ AWS_LWA_PORT: '', PORT: '  ', AWS_LWA_INVOKE_MODE: ' ' })).toMatchObject({ port: 8080, invokeMode: 'buffered' });
  });

  it('trims values', () => {
    expect(load({ AWS_LWA_PORT: ' 3000 ', AWS_LWA_READINESS_CHECK_PATH: ' /health ' })).toMatchObject({ port: 3000, readinessPath: '/health' });
  });
});

describe('the result', () => {
  it('is frozen, warnings included', () => {
    const config = load({ REMOVE_BASE_PATH: '/api' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.warnings)).toBe(true);
    expect(() => ((config as Config).port = 1)).toThrow(TypeError);
    expect(() => (config.warnings as string[]).push('x')).toThrow(TypeError);
  });

  it('does not change the object it was given', () => {
    const env = { ...LAMBDA, PORT: '3000' };
    loadConfig(env);
    expect(env).toEqual({ ...LAMBDA, PORT: '3000' });
  });
});

describe("each reader's message names the setting, what it expects and what it got", () => {
  it.each<[string, Env, string]>([
    ['port', { AWS_LWA_PORT: 'abc' }, "AWS_LWA_PORT must be an integer 1-65535; got 'abc'"],
    ['port range', { AWS_LWA_READINESS_CHECK_PORT: '70000' }, "AWS_LWA_READINESS_CHECK_PORT must be an integer 1-65535; got '70000'"],
    ['integer', { FERRY_DEADLINE_MARGIN_MS: '-5' }, "FERRY_DEADLINE_MARGIN_MS must be an integer 0-60000; got '-5'"],
    ['integer range', { AWS_LAMBDA_MAX_CONCURRENCY: '0' }, "AWS_LAMBDA_MAX_CONCURRENCY must be an integer 1-1024; got '0'"],
    [
      'seconds',
      { AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS: '4s' },
      "AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS must be a number of seconds 0-3600 (e.g. 4 or 0.5, no unit); got '4s'",
    ],
    ['boolean', { AWS_LWA_ASYNC_INIT: 'maybe' }, "AWS_LWA_ASYNC_INIT must be true or false; got 'maybe'"],
    ['choice', { AWS_LWA_READINESS_CHECK_PROTOCOL: 'udp' }, "AWS_LWA_READINESS_CHECK_PROTOCOL must be one of http, tcp; got 'udp'"],
    ['choice (invoke mode)', { AWS_LWA_INVOKE_MODE: 'stream' }, "AWS_LWA_INVOKE_MODE must be one of buffered, response_stream; got 'stream'"],
    ['path', { AWS_LWA_PASS_THROUGH_PATH: 'events' }, "AWS_LWA_PASS_THROUGH_PATH must be a path starting with '/' (no spaces or '#'); got 'events'"],
    ['base path', { AWS_LWA_REMOVE_BASE_PATH: '/api?x' }, "AWS_LWA_REMOVE_BASE_PATH must be a path starting with '/' (no spaces, '?' or '#'); got '/api?x'"],
    ['header name', { AWS_LWA_AUTHORIZATION_SOURCE: 'x custom' }, "AWS_LWA_AUTHORIZATION_SOURCE must be an HTTP header name; got 'x custom'"],
    [
      'status ranges',
      { AWS_LWA_ERROR_STATUS_CODES: '500,5xx' },
      "AWS_LWA_ERROR_STATUS_CODES must be a list of status codes and ranges like 200-399,404: '5xx' is not a status code (100-599) or range like 200-399",
    ],
    ['host', { AWS_LWA_HOST: 'http://localhost' }, "AWS_LWA_HOST must be a host name or IP address; got 'http://localhost'"],
    [
      'host:port',
      { AWS_LWA_LAMBDA_RUNTIME_API_PROXY: 'http://127.0.0.1:9009' },
      "AWS_LWA_LAMBDA_RUNTIME_API_PROXY must be host:port (no scheme, no path); got 'http://127.0.0.1:9009'",
    ],
    ['runtime API', { AWS_LAMBDA_RUNTIME_API: 'localhost' }, "AWS_LAMBDA_RUNTIME_API must be host:port (no scheme, no path); got 'localhost'"],
    [
      'min unhealthy status',
      { [MIN_UNHEALTHY_STATUS]: '4xx' },
      `${MIN_UNHEALTHY_STATUS} must be an integer 101-600 (statuses below it are healthy); got '4xx'`,
    ],
  ])('%s', (_kind, env, message) => {
    expect(problemsOf(env)).toContain(`  - ${message}`);
  });

  it('names the deprecated variable the user actually set', () => {
    expect(problemsOf({ READINESS_CHECK_PORT: 'x' })).toContain("READINESS_CHECK_PORT must be an integer 1-65535; got 'x'");
  });

  it('says AWS_LAMBDA_RUNTIME_API is missing when it is', () => {
    expect(() => loadConfig({})).toThrow('AWS_LAMBDA_RUNTIME_API is not set: Ferry must be started by Lambda (or `ferry local`)');
  });
});

describe('problems are collected', () => {
  it('reports every bad setting in one error, one line each, in table order', () => {
    const message = problemsOf({
      AWS_LWA_PORT: 'abc',
      AWS_LWA_READINESS_CHECK_PROTOCOL: 'udp',
      AWS_LWA_ERROR_STATUS_CODES: 'x',
      FERRY_INCLUDE_STAGE: 'perhaps',
    });
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid Ferry configuration:');
    expect(lines.slice(1).map((l) => l.split(' ')[3])).toEqual([
      'AWS_LWA_PORT',
      'AWS_LWA_READINESS_CHECK_PROTOCOL',
      'AWS_LWA_ERROR_STATUS_CODES',
      'FERRY_INCLUDE_STAGE',
    ]);
  });

  it('reports a missing runtime API together with the other problems', () => {
    let message = '';
    try {
      loadConfig({ AWS_LWA_PORT: '0' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('AWS_LAMBDA_RUNTIME_API is not set');
    expect(message).toContain("AWS_LWA_PORT must be an integer 1-65535; got '0'");
  });
});

describe('precedence', () => {
  it('AWS_LWA_PORT wins over PORT; PORT is a fallback without a warning (as in LWA)', () => {
    expect(load({ AWS_LWA_PORT: '3000', PORT: '4000' })).toMatchObject({ port: 3000, warnings: [] });
    expect(load({ PORT: '4000' })).toMatchObject({ port: 4000, readinessPort: 4000, warnings: [] });
  });

  it('a bad AWS_LWA_PORT is an error even when PORT is fine', () => {
    expect(problemsOf({ AWS_LWA_PORT: 'x', PORT: '4000' })).toContain("AWS_LWA_PORT must be an integer 1-65535; got 'x'");
  });

  it('the readiness port defaults to the app port', () => {
    expect(load({ AWS_LWA_PORT: '3000' }).readinessPort).toBe(3000);
    expect(load({ AWS_LWA_PORT: '3000', AWS_LWA_READINESS_CHECK_PORT: '3001' }).readinessPort).toBe(3001);
  });

  it('the Runtime API proxy receives the Runtime API calls when set', () => {
    expect(load().runtimeApi).toBe('127.0.0.1:9001');
    expect(load({ AWS_LWA_LAMBDA_RUNTIME_API_PROXY: '127.0.0.1:9009' }).runtimeApi).toBe('127.0.0.1:9009');
  });
});

describe("LWA's deprecated unprefixed names", () => {
  /** [deprecated name, its replacement, a value for each, what each value reads as] */
  const cases: Array<[string, string, string, string, Partial<Config>, Partial<Config>]> = [
    ['HOST', 'AWS_LWA_HOST', '0.0.0.0', '127.0.0.2', { host: '0.0.0.0' }, { host: '127.0.0.2' }],
    ['READINESS_CHECK_PORT', 'AWS_LWA_READINESS_CHECK_PORT', '3001', '3002', { readinessPort: 3001 }, { readinessPort: 3002 }],
    ['READINESS_CHECK_PATH', 'AWS_LWA_READINESS_CHECK_PATH', '/health', '/ready', { readinessPath: '/health' }, { readinessPath: '/ready' }],
    ['READINESS_CHECK_PROTOCOL', 'AWS_LWA_READINESS_CHECK_PROTOCOL', 'TCP', 'http', { readinessProtocol: 'tcp' }, { readinessProtocol: 'http' }],
    ['REMOVE_BASE_PATH', 'AWS_LWA_REMOVE_BASE_PATH', '/api', '/v1', { removeBasePath: '/api' }, { removeBasePath: '/v1' }],
    ['ASYNC_INIT', 'AWS_LWA_ASYNC_INIT', 'true', 'false', { asyncInit: true }, { asyncInit: false }],
  ];

  it.each(cases)('%s is honoured with one warning naming %s', (old, current, value, _newValue, expected) => {
    const config = load({ [old]: value });
    expect(config).toMatchObject(expected);
    expect(config.warnings).toEqual([`${old} is deprecated (a Lambda Web Adapter 0.x name): rename it to ${current}`]);
  });

  it.each(cases)('%s loses to %s when both are set, and the warning says it is ignored', (old, current, value, newValue, _expected, expectedNew) => {
    const config = load({ [old]: value, [current]: newValue });
    expect(config).toMatchObject(expectedNew);
    expect(config.warnings).toEqual([`${old} is deprecated (a Lambda Web Adapter 0.x name) and ignored because ${current} is set; remove ${old}`]);
  });

  it('warns once per deprecated name, all together', () => {
    const config = load({ HOST: '127.0.0.1', READINESS_CHECK_PATH: '/health', ASYNC_INIT: 'false' });
    expect(config.warnings).toHaveLength(3);
    expect(config.warnings.map((w) => w.split(' ')[0])).toEqual(['HOST', 'READINESS_CHECK_PATH', 'ASYNC_INIT']);
  });
});

describe('enumerated values are case-insensitive', () => {
  it.each([
    ['AWS_LWA_INVOKE_MODE', 'RESPONSE_STREAM', { invokeMode: 'response_stream' }],
    ['AWS_LWA_INVOKE_MODE', 'Buffered', { invokeMode: 'buffered' }],
    ['AWS_LWA_READINESS_CHECK_PROTOCOL', 'TCP', { readinessProtocol: 'tcp' }],
    ['AWS_LWA_READINESS_CHECK_PROTOCOL', 'HTTP', { readinessProtocol: 'http' }],
    ['AWS_LAMBDA_LOG_FORMAT', 'json', { logFormat: 'json' }],
    ['AWS_LAMBDA_LOG_LEVEL', 'debug', { logLevel: 'DEBUG' }],
  ])('%s=%s', (name, value, expected) => {
    expect(load({ [name]: value })).toMatchObject(expected);
  });

  it('booleans accept true/false/1/0/yes/no in any case', () => {
    for (const value of ['true', 'TRUE', '1', 'Yes']) expect(load({ AWS_LWA_ENABLE_COMPRESSION: value }).compression).toBe(true);
    for (const value of ['false', 'False', '0', 'NO']) expect(load({ AWS_LWA_ENABLE_COMPRESSION: value }).compression).toBe(false);
  });
});

describe(MIN_UNHEALTHY_STATUS, () => {
  it('is read as the healthy range below it, with a warning naming the replacement', () => {
    const config = load({ [MIN_UNHEALTHY_STATUS]: '400' });
    expect(config.healthyStatus).toEqual([[100, 399]]);
    expect(config.warnings).toEqual([
      `${MIN_UNHEALTHY_STATUS} is deprecated (removed in Lambda Web Adapter 1.0): read as AWS_LWA_READINESS_CHECK_HEALTHY_STATUS=100-399; set that instead`,
    ]);
  });

  it('loses to AWS_LWA_READINESS_CHECK_HEALTHY_STATUS, and says so', () => {
    const config = load({ [MIN_UNHEALTHY_STATUS]: '400', AWS_LWA_READINESS_CHECK_HEALTHY_STATUS: '200-299' });
    expect(config.healthyStatus).toEqual([[200, 299]]);
    expect(config.warnings[0]).toContain('ignored because AWS_LWA_READINESS_CHECK_HEALTHY_STATUS is set');
  });

  it('accepts 101-600', () => {
    expect(load({ [MIN_UNHEALTHY_STATUS]: '600' }).healthyStatus).toEqual([[100, 599]]);
    expect(problemsOf({ [MIN_UNHEALTHY_STATUS]: '100' })).toContain(MIN_UNHEALTHY_STATUS);
  });
});

describe('LWA settings Ferry does not implement', () => {
  it.each(UNSUPPORTED_LWA_SETTINGS.map((s) => [s.name, s.why]))('%s gets a warning, not silence', (name, why) => {
    expect(load({ [name]: '/x' }).warnings).toEqual([`${name} is a Lambda Web Adapter setting Ferry does not implement, so it is ignored: ${why}`]);
  });
});

describe('the Init budget', () => {
  it.each([
    [undefined, 9800],
    ['on-demand', 9800],
    ['provisioned-concurrency', 125_000],
    ['snap-start', 125_000],
    ['lambda-managed-instances', 125_000],
    ['something-new', 9800],
  ])('AWS_LAMBDA_INITIALIZATION_TYPE=%s → %i ms', (type, budget) => {
    expect(load({ AWS_LAMBDA_INITIALIZATION_TYPE: type }).initReadinessTimeoutMs).toBe(budget);
  });

  it('FERRY_INIT_READINESS_TIMEOUT_MS overrides it for every initialization type', () => {
    expect(load({ AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances', FERRY_INIT_READINESS_TIMEOUT_MS: '600000' }).initReadinessTimeoutMs).toBe(
      600_000,
    );
    expect(load({ FERRY_INIT_READINESS_TIMEOUT_MS: '2000' }).initReadinessTimeoutMs).toBe(2000);
  });
});

describe('AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS', () => {
  it.each([
    ['0', 0],
    ['0.5', 500],
    ['30', 30_000],
    ['3600', 3_600_000],
  ])('%s s → %i ms', (value, ms) => {
    expect(load({ AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS: value }).poolIdleTimeoutMs).toBe(ms);
  });

  it.each(['-1', '4s', 'inf', '3601', '.5'])('rejects %s', (value) => {
    expect(problemsOf({ AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS: value })).toContain('AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS must be a number of seconds');
  });
});

describe('the settings tables', () => {
  /** Every variable name loadConfig asks the environment for. */
  function namesRead(env: Env): Set<string> {
    const asked = new Set<string>();
    const recording = new Proxy(
      { ...LAMBDA, ...env },
      {
        get(target, key) {
          if (typeof key === 'string') asked.add(key);
          return Reflect.get(target, key);
        },
      },
    );
    loadConfig(recording);
    return asked;
  }

  it('list exactly what loadConfig reads: names, fallbacks, deprecated names, and the Lambda variables', () => {
    const listed = [
      ...[...SETTINGS, ...LAMBDA_VARIABLES].flatMap((s) => [s.name, ...(s.fallbacks ?? []), ...(s.deprecated ?? [])]),
      MIN_UNHEALTHY_STATUS,
      ...UNSUPPORTED_LWA_SETTINGS.map((s) => s.name),
    ];
    expect([...namesRead({})].sort()).toEqual([...new Set(listed)].sort());
  });

  it('have one entry per name', () => {
    const names = [...SETTINGS, ...LAMBDA_VARIABLES].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuse a read of a name that is not listed, or with another reader than listed', () => {
    const reader = new Reader({}, [], []);
    expect(() => reader.port('AWS_LWA_NOT_A_SETTING', 1)).toThrow('AWS_LWA_NOT_A_SETTING is read by loadConfig but not listed in adapter/config/settings.ts');
    expect(() => reader.port('AWS_LWA_HOST', 1)).toThrow("AWS_LWA_HOST is listed with reader 'host' but read as 'port'");
  });
});
