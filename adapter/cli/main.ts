/** The `ferry` bin (dist/cli.js): a thin shell over runCli. */
import { runCli } from './index.ts';

runCli(process.argv.slice(2)).then((code) => process.exit(code));
