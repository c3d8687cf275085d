/**
 * `ferry local`: flag parsing (pure), and the built bin (dist/cli.js) run as a user runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLocalArgs, runCli } from '../../adapter/cli/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('ferry local flags', () => {
  it('default to a Function URL on port 3000, buffered, with freeze on', () => {
    expect(parseLocalArgs(['--', 'node', 'server.js'])).toEqual({ kind: 'run', options: { command: ['node', 'server.js'], freeze: true } });
  });

  it('map every flag to a startLocal option and leave the app’s own flags alone', () => {
    const parsed = parseLocalArgs([
      ...['-p', '0', '--event', 'rest-api', '--invoke-mode', 'response_stream', '--no-freeze', '--app-port', '8081', '--timeout', '5'],
      ...['--env', 'A=1', '--env', 'B=x=y', '--', 'node', 'server.js', '--port', '9'],
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        command: ['node', 'server.js', '--port', '9'],
        port: 0,
        // The older name still works, and becomes the codec's name.
        event: 'rest-api-v1',
        invokeMode: 'response_stream',
        freeze: false,
        appPort: 8081,
        timeoutMs: 5000,
        env: { A: '1', B: 'x=y' },
      },
    });
  });

  it('report every problem at once', () => {
    expect(parseLocalArgs(['--port', 'abc', '--event', 'sqs', '--env', 'NOEQUALS'])).toEqual({
      kind: 'invalid',
      problems: [
        'the app command is missing: ferry local [options] -- <command>, e.g. ferry local -- node server.js',
        "--port must be an integer 0-65535; got 'abc'",
        "--event must be one of function-url, http-api-v2, rest-api-v1, alb, alb-multi, lattice-v2 (or the older http-api, rest-api, lattice); got 'sqs'",
        "--env takes KEY=VALUE; got 'NOEQUALS'",
      ],
    });
  });

  it('ask for the app command after --', () => {
    expect(parseLocalArgs(['node', 'server.js'])).toMatchObject({ kind: 'invalid', problems: [expect.stringContaining('put the app command after --')] });
  });

  it('refuse unknown flags', () => {
    expect(parseLocalArgs(['--prot', '3000', '--', 'node', 'server.js'])).toMatchObject({ kind: 'invalid', problems: [expect.stringContaining("'--prot'")] });
  });

  it('exit 2 with the usage on bad flags, 0 with it on --help', async () => {
    const io = { out: [] as string[], err: [] as string[] };
    const capture = { out: (l: string) => io.out.push(l), err: (l: string) => io.err.push(l) };
    expect(await runCli(['local', '--event', 'nope', '--', 'node', 'x.js'], capture)).toBe(2);
    expect(io.err.join('\n')).toMatch(/--event must be one of[\s\S]*Usage: ferry local/);
    expect(await runCli(['--help'], capture)).toBe(0);
    expect(await runCli(['deploy'], capture)).toBe(2);
    expect(io.out.join('\n')).toContain('Usage: ferry local');
  });
});

describe('the ferry bin', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('serves the app at the URL it prints, logs each source with a prefix, and shuts down on SIGINT with exit 0', async () => {
    child = spawn(process.execPath, ['dist/cli.js', 'local', '--port', '0', '--', 'node', 'apps/fastify/server.js'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk) => {
        stdout += chunk;
        const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child!.once('exit', () => reject(new Error(`ferry local exited early:\n${stdout}\n${stderr}`)));
    });

    const res = await fetch(`${url}/users/7`);
    expect(await res.json()).toEqual({ id: '7', query: {} });

    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^\[app\] fastify app listening/m);
    expect(stderr).toMatch(/^\[ferry\] INFO app ready/m);
    expect(stderr).toMatch(/^\[lambda\] GET \/users\/7 200 \d+ ms$/m);
    expect(stderr).toMatch(/^\[ferry\] INFO shutting down reason=spindown$/m);
  });

  it('prints the usage and exits 2 on a bad flag', async () => {
    child = spawn(process.execPath, ['dist/cli.js', 'local', '--invoke-mode', 'fast', '--', 'node', 'x.js'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain("ferry local: --invoke-mode must be one of buffered, response_stream; got 'fast'");
  });
});
