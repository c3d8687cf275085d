import { EVENT_SOURCES } from '../local/front-door/index.ts';

export const USAGE = `Usage: ferry local [options] -- <command that starts the app>

Runs the app behind the whole AWS Lambda path on this machine: a local front door
(Function URL, API Gateway, ALB or VPC Lattice) → the Lambda Runtime API emulator → Ferry → the app.

Options:
  -p, --port <n>            front door port (default 3000; 0 picks a free one)
      --host <address>      front door interface (default 127.0.0.1)
  -e, --event <source>      ${EVENT_SOURCES.join(' | ')} (default function-url;
                            the codecs' names: http-api, rest-api and lattice still work)
      --invoke-mode <mode>  buffered | response_stream (default buffered)
      --no-freeze           do not freeze the sandbox between invocations
      --no-inspector        no inspector at /_ferry (it is on by default on loopback)
      --inspector           the inspector even when --host is beyond loopback (it shows credentials)
      --inline              run Ferry inside the app's Node process (node --import), not as the sidecar
      --app-port <n>        the port the app listens on (default: a free port, passed as PORT)
      --timeout <seconds>   the function timeout (default 30)
      --env KEY=VALUE       environment for Ferry and the app (repeatable)
  -h, --help                show this help

Example:
  ferry local --invoke-mode response_stream -- node server.js
`;
