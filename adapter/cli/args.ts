/**
 * `ferry local` flags → startLocal options. Pure: argv in, options or every problem out.
 */
import { parseArgs } from 'node:util';
import { canonicalEventSource, EVENT_SOURCES, isEventSource, LEGACY_EVENT_SOURCES } from '../local/front-door/index.ts';
import type { LocalOptions } from '../local/index.ts';

export type ParsedLocalArgs = { kind: 'run'; options: LocalOptions } | { kind: 'help' } | { kind: 'invalid'; problems: string[] };

const INVOKE_MODES = ['buffered', 'response_stream'] as const;

/**
 * @example parseLocalArgs(['--port', '0', '--', 'node', 'server.js'])
 * // { kind: 'run', options: { command: ['node', 'server.js'], port: 0, … } }
 */
export function parseLocalArgs(argv: readonly string[]): ParsedLocalArgs {
  // Everything after the first `--` is the app's command, flags and all.
  const separator = argv.indexOf('--');
  const flags = separator === -1 ? [...argv] : argv.slice(0, separator);
  const command = separator === -1 ? [] : argv.slice(separator + 1);

  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: flags,
      strict: true,
      allowPositionals: true,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        event: { type: 'string', short: 'e' },
        'invoke-mode': { type: 'string' },
        'no-freeze': { type: 'boolean' },
        inspector: { type: 'boolean' },
        'no-inspector': { type: 'boolean' },
        inline: { type: 'boolean' },
        'app-port': { type: 'string' },
        timeout: { type: 'string' },
        env: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'invalid', problems: [(error as Error).message] };
  }
  if (values.help) return { kind: 'help' };

  const problems: string[] = [];
  if (positionals.length > 0)
    problems.push(`unexpected ${JSON.stringify(positionals.join(' '))}: put the app command after --, e.g. ferry local -- ${positionals.join(' ')}`);
  if (command.length === 0 && positionals.length === 0)
    problems.push('the app command is missing: ferry local [options] -- <command>, e.g. ferry local -- node server.js');

  const integer = (name: string, min: number, max: number): number | undefined => {
    const text = values[name] as string | undefined;
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      problems.push(`--${name} must be an integer ${min}-${max}; got '${text}'`);
      return undefined;
    }
    return Number(text);
  };
  const port = integer('port', 0, 65535);
  const appPort = integer('app-port', 1, 65535);
  const timeout = integer('timeout', 1, 900);

  const event = values.event as string | undefined;
  if (event !== undefined && !isEventSource(event))
    problems.push(`--event must be one of ${EVENT_SOURCES.join(', ')} (or the older ${Object.keys(LEGACY_EVENT_SOURCES).join(', ')}); got '${event}'`);
  const invokeMode = values['invoke-mode'] as string | undefined;
  if (invokeMode !== undefined && !(INVOKE_MODES as readonly string[]).includes(invokeMode)) {
    problems.push(`--invoke-mode must be one of ${INVOKE_MODES.join(', ')}; got '${invokeMode}'`);
  }
  const env: Record<string, string> = {};
  for (const pair of (values.env as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`--env takes KEY=VALUE; got '${pair}'`);
    else env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (values.inspector && values['no-inspector']) problems.push('--inspector and --no-inspector contradict each other: choose one');
  if (problems.length > 0) return { kind: 'invalid', problems };

  const options: LocalOptions = { command, freeze: !values['no-freeze'] };
  if (values.inline) options.inline = true;
  if (port !== undefined) options.port = port;
  if (values.host !== undefined) options.host = values.host as string;
  if (event !== undefined && isEventSource(event)) options.event = canonicalEventSource(event);
  if (invokeMode !== undefined) options.invokeMode = invokeMode as LocalOptions['invokeMode'];
  if (appPort !== undefined) options.appPort = appPort;
  if (timeout !== undefined) options.timeoutMs = timeout * 1000;
  if (Object.keys(env).length > 0) options.env = env;
  if (values.inspector) options.inspector = true;
  if (values['no-inspector']) options.inspector = false;
  return { kind: 'run', options };
}
