/**
 * The README's configuration table and its "Coming from Lambda Web Adapter" section, checked
 * against the settings tables loadConfig reads through (adapter/config/settings.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAMBDA_VARIABLES, MIN_UNHEALTHY_STATUS, SETTINGS, UNSUPPORTED_LWA_SETTINGS, settingsTableRows } from '../../adapter/config.ts';
import { ERRORS } from '../../adapter/errors.ts';
import { CONTEXT_HEADERS } from '../../adapter/proxy/request-context.ts';
import { ROOT } from '../helpers/ferry.ts';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const section = (name: string) => readme.split(`<!-- ${name}:start -->`)[1]!.split(`<!-- ${name}:end -->`)[0]!;
const tableRows = (text: string, firstHeader: string) => {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstHeader} |`));
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
};
const cells = (row: string) => row.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, ''));
const ticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/**
 * Every setting and header of Lambda Web Adapter, as read in aws/aws-lambda-web-adapter 1.0.1
 * (src/lib.rs's ENV_* constants, README "Configurations", docs/guide environment-variables.md) and
 * its main branch after 1.0.1 (AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS, the SnapStart hooks,
 * AWS_LWA_READINESS_CHECK_TIMEOUT_SECONDS), plus 0.9.x's AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS.
 */
const LWA_SETTINGS = [
  'AWS_LWA_PORT',
  'PORT',
  'AWS_LWA_HOST',
  'HOST',
  'AWS_LWA_READINESS_CHECK_PORT',
  'READINESS_CHECK_PORT',
  'AWS_LWA_READINESS_CHECK_PATH',
  'READINESS_CHECK_PATH',
  'AWS_LWA_READINESS_CHECK_PROTOCOL',
  'READINESS_CHECK_PROTOCOL',
  'AWS_LWA_READINESS_CHECK_HEALTHY_STATUS',
  'AWS_LWA_READINESS_CHECK_MIN_UNHEALTHY_STATUS',
  'AWS_LWA_ASYNC_INIT',
  'ASYNC_INIT',
  'AWS_LWA_REMOVE_BASE_PATH',
  'REMOVE_BASE_PATH',
  'AWS_LWA_INVOKE_MODE',
  'AWS_LWA_ENABLE_COMPRESSION',
  'AWS_LWA_PASS_THROUGH_PATH',
  'AWS_LWA_AUTHORIZATION_SOURCE',
  'AWS_LWA_ERROR_STATUS_CODES',
  'AWS_LWA_LAMBDA_RUNTIME_API_PROXY',
  'AWS_LWA_POOL_IDLE_TIMEOUT_SECONDS',
  'AWS_LWA_READINESS_CHECK_TIMEOUT_SECONDS',
  'AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH',
  'AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH',
];
const LWA_HEADERS = ['x-amzn-request-context', 'x-amzn-lambda-context', 'x-amz-tenant-id'];

/** Every name Ferry reads, with how: honoured (under any of its names) or only warned about. */
const honoured = new Set(
  [...SETTINGS, ...LAMBDA_VARIABLES].flatMap((s) => [s.name, ...(s.fallbacks ?? []), ...(s.deprecated ?? [])]).concat(MIN_UNHEALTHY_STATUS),
);
const unsupported = new Set(UNSUPPORTED_LWA_SETTINGS.map((s) => s.name));

describe('README configuration table', () => {
  it('is the settings table, row for row (name, fallbacks, default, meaning)', () => {
    // On a mismatch, the expected rows are what to paste into the README.
    expect(tableRows(section('config'), 'variable')).toEqual(settingsTableRows());
  });

  it("names every variable Ferry reads from Lambda's environment", () => {
    const mentioned = new Set(ticked(section('config')));
    expect(LAMBDA_VARIABLES.map((v) => v.name).filter((name) => !mentioned.has(name))).toEqual([]);
  });
});

describe('README "Coming from Lambda Web Adapter"', () => {
  const lwa = section('lwa');
  const rows = tableRows(lwa, 'Lambda Web Adapter').map(cells);

  it('lists every Lambda Web Adapter setting and header, and nothing else, in its first column', () => {
    const listed = rows.flatMap(([first]) => ticked(first!));
    expect([...listed].sort()).toEqual([...LWA_SETTINGS, ...LWA_HEADERS].sort());
  });

  it('says "the same" exactly for what Ferry honours, and "not implemented" exactly for what it only warns about', () => {
    for (const [first, ferry] of rows) {
      for (const name of ticked(first!).filter((n) => !n.startsWith('x-'))) {
        if (unsupported.has(name)) expect(ferry, name).toMatch(/^not implemented/);
        else {
          expect(honoured.has(name), `${name} is in the LWA section but loadConfig does not read it`).toBe(true);
          expect(ferry, name).not.toMatch(/not implemented/);
        }
      }
    }
  });

  it("covers every LWA-named setting Ferry reads (AWS_LWA_*, PORT and LWA's deprecated names)", () => {
    const lwaNamed = [...honoured, ...unsupported].filter(
      (n) => n.startsWith('AWS_LWA_') || SETTINGS.some((s) => s.deprecated?.includes(n) || s.fallbacks?.includes(n)),
    );
    expect(lwaNamed.filter((n) => !LWA_SETTINGS.includes(n))).toEqual([]);
  });

  it('sends the headers it lists, under those names', () => {
    for (const header of LWA_HEADERS) expect(CONTEXT_HEADERS).toContain(header);
  });

  it('names only settings and error types that exist', () => {
    const known = new Set([...honoured, ...unsupported, ...Object.values(ERRORS).map((entry) => entry.errorType), ...LWA_HEADERS]);
    const named = ticked(lwa).filter((t) => /^(AWS_LWA_|FERRY_|AWS_LAMBDA_|Ferry\.)/.test(t) && !t.includes('='));
    expect(named.filter((t) => !known.has(t))).toEqual([]);
  });

  it('has a table of deliberate differences, one row each', () => {
    const differences = tableRows(lwa, 'situation');
    expect(differences.length).toBeGreaterThanOrEqual(8);
    for (const row of differences) expect(cells(row)).toHaveLength(3);
  });
});
