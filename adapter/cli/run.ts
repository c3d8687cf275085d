/** The `ferry` command line: one subcommand, `local`. */
import { parseLocalArgs } from './args.ts';
import { runLocal, type Io } from './local-command.ts';
import { USAGE } from './usage.ts';

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Resolves with the process exit code: 0 done, 1 could not start, 2 bad usage. */
export async function runCli(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command !== 'local') {
    io.err(command === undefined ? 'ferry: a command is required.' : `ferry: unknown command '${command}'.`);
    io.err(USAGE);
    return 2;
  }
  const parsed = parseLocalArgs(rest);
  if (parsed.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    for (const problem of parsed.problems) io.err(`ferry local: ${problem}`);
    io.err(USAGE);
    return 2;
  }
  return runLocal(parsed.options, io);
}
