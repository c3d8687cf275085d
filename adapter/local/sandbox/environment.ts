/** The environment Lambda gives a sandbox's processes. */
import type { Emulator } from '../emulator/index.ts';

/** The variables every process in a Lambda sandbox sees (extensions and runtime alike). */
export function lambdaEnvironment(emulator: Emulator): Record<string, string> {
  const o = emulator.options;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_LAMBDA_RUNTIME_API: emulator.address,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: o.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memoryMb),
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    AWS_LAMBDA_INITIALIZATION_TYPE: o.maxConcurrency !== undefined ? 'lambda-managed-instances' : 'on-demand',
    AWS_LAMBDA_LOG_FORMAT: 'Text',
    // Dummies: something that reads credentials finds them, nothing can use them.
    AWS_ACCESS_KEY_ID: 'AKIAFERRYLOCAL000000',
    AWS_SECRET_ACCESS_KEY: 'ferry-local-not-a-secret',
    AWS_SESSION_TOKEN: 'ferry-local-session-token',
  };
  if (o.maxConcurrency !== undefined) env.AWS_LAMBDA_MAX_CONCURRENCY = String(o.maxConcurrency);
  return env;
}

/** What only the function's process sees: extensions get no handler, task root or log names. */
export function runtimeOnlyEnvironment(emulator: Emulator, taskRoot: string): Record<string, string> {
  const o = emulator.options;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    _HANDLER: o.handler,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${o.functionVersion}]${Math.random().toString(16).slice(2).padEnd(16, '0').slice(0, 16)}`,
  };
}
