/**
 * Every way Ferry ends. Each writes its last line, reports the failure where Lambda shows it, and
 * exits once stderr has drained; none returns.
 */
import { describeError, errorDocument, ERRORS, ferryCode } from '../errors.ts';
import type { LogFields, Logger } from '../log.ts';
import type { AppProcess } from '../app-process.ts';
import type { ExtensionsClient } from '../runtime/extensions-api.ts';
import type { RuntimeApi } from '../runtime/runtime-api.ts';

export interface Exits {
  /** Init failed: report it on `/runtime/init/error` (the caller sees it), stop the app, exit 1. */
  initFailed(error: unknown): Promise<never>;
  /** The app is gone after Init: report it (extension mode: `/extension/exit/error`), exit 1 so Lambda replaces the sandbox. */
  appGone(message: string): Promise<never>;
  /** Log the last line (error level unless the code is 0) and exit with `code`. */
  exit(code: number, message?: string, fields?: LogFields): Promise<never>;
}

export interface ExitsOptions {
  log: Logger;
  runtime: RuntimeApi;
  /** Set in extension mode. */
  extension: ExtensionsClient | undefined;
  /** Set in runtime mode: stopped on an Init failure. */
  app: AppProcess | undefined;
}

export function createExits({ log, runtime, extension, app }: ExitsOptions): Exits {
  const exit = (code: number, message?: string, fields?: LogFields): Promise<never> => {
    if (message) (code === 0 ? log.info : log.error)(message, fields);
    return new Promise(() => {
      process.stderr.write('', () => process.exit(code));
    });
  };
  return {
    async initFailed(error) {
      const code = ferryCode(error) ?? 'FERRY_INTERNAL';
      const message = describeError(error);
      log.error(message, { error_type: ERRORS[code].errorType });
      await runtime.postInitError(ERRORS[code].errorType, errorDocument(code, message)).catch(() => undefined);
      app?.kill();
      return exit(1);
    },
    async appGone(message) {
      const { errorType } = ERRORS.FERRY_APP_GONE;
      log.error(message, { error_type: errorType });
      await extension?.reportError('exit', errorType, errorDocument('FERRY_APP_GONE', message)).catch(() => undefined);
      return exit(1);
    },
    exit,
  };
}
