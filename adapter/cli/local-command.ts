/**
 * `ferry local`: startLocal with its log lines printed under a prefix per source, the URL to open,
 * and Lambda's shutdown on Ctrl-C (SIGINT) or SIGTERM.
 */
import { startLocal, type LocalLambda, type LocalOptions } from '../local/index.ts';
import { prefixed } from '../local/log-prefix.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export { prefixed };

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function runLocal(options: LocalOptions, io: Io): Promise<number> {
  // Listening from the start: a signal during start-up must not kill this process and leave the
  // app and Ferry running; it stops them once they are up.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let lambda: LocalLambda;
  try {
    lambda = await startLocal({ ...options, onLog: (log) => io.err(prefixed(log)) });
  } catch (error) {
    io.err(`[lambda] could not start: ${(error as Error).message}`);
    return 1;
  }
  const mode = `${options.event ?? 'function-url'}, ${options.invokeMode ?? 'buffered'}, freeze ${options.freeze === false ? 'off' : 'on'}`;
  io.out(`Ferry local is ready at ${lambda.url} (${mode}); press Ctrl-C to stop.`);
  io.out(`  ${lambda.inspectorStatus}`);

  const signal = await stopped;
  io.err(`[lambda] ${signal}: shutting down (SIGTERM to the app, SHUTDOWN to Ferry)`);
  // A second Ctrl-C while shutting down means "now".
  process.once('SIGINT', () => process.exit(130));
  await lambda.close();
  return 0;
}
