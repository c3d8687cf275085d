/** The `ferry` command line over the library functions (`startLocal`); `main.ts` is the bin. */
export { runCli } from './run.ts';
export { parseLocalArgs, type ParsedLocalArgs } from './args.ts';
export { prefixed, runLocal, type Io } from './local-command.ts';
export { USAGE } from './usage.ts';
