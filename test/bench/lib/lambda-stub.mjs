// A minimal stand-in for Lambda's Runtime and Extensions APIs (register, event/next,
// invocation/next, response, errors) that records when each call arrived, for
// startup-measure.mjs. Not the project's emulator, on purpose: it is the independent Lambda side
// the bench cross-checks its emulator-based cold starts against, and its own work is small and the
// same in both modes.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const RUN_TIMEOUT_MS = 20_000;

/** The queued invocation: a Function URL `GET /`, written out (this file needs no TypeScript event builder). */
const EVENT = JSON.stringify({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { host: 'abc123.lambda-url.us-east-1.on.aws', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.lambda-url.us-east-1.on.aws',
    domainPrefix: 'abc123',
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'ferry-measure-startup' },
    requestId: 'measure',
    routeKey: '$default',
    stage: '$default',
    time: '01/Jan/2026:00:00:00 +0000',
    timeEpoch: 1767225600000,
  },
  isBase64Encoded: false,
});

/** Just enough of the Runtime and Extensions APIs for one cold start, with arrival timestamps. */
export async function startLambdaStub() {
  const seen = new Map(); // name → value, first occurrence only
  const waiters = new Map(); // name → [resolve]
  const held = new Set();
  let failure; // an /init/error: every wait fails with it
  let queued = false;
  let waitingNext;
  const record = (name, value) => {
    if (seen.has(name)) return;
    seen.set(name, value);
    for (const resolve of waiters.get(name) ?? []) resolve(value);
    waiters.delete(name);
  };
  const deliver = (res) => {
    const requestId = randomUUID();
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:measure',
      'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0',
    });
    res.end(EVENT);
  };
  const server = http.createServer((req, res) => {
    const at = performance.now();
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/2020-01-01/extension/register') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'lambda-extension-identifier': randomUUID() });
      res.end(JSON.stringify({ functionName: 'measure', functionVersion: '$LATEST', handler: 'run.sh' }));
      return record('registered', at);
    }
    if (url === '/2020-01-01/extension/event/next' || url === '/2018-06-01/runtime/invocation/next') {
      held.add(res);
      res.on('close', () => held.delete(res));
      if (url.startsWith('/2018')) {
        record('init-done', at);
        if (queued) {
          queued = false;
          deliver(res);
        } else waitingNext = res;
      }
      return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"OK"}');
      if (url.endsWith('/response')) {
        let status = 0;
        try {
          status = JSON.parse(body).statusCode ?? 0;
        } catch {
          // A non-JSON answer is reported through status 0 and the body.
        }
        record('response', { at, status, body });
      } else if (url.endsWith('/init/error')) {
        failure = new Error(`Ferry reported an Init error: ${body.slice(0, 500)}`);
        for (const list of waiters.values()) for (const settle of list) settle(undefined);
      } else if (url.endsWith('/error')) {
        record('response', { at, status: -1, body });
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    queueInvocation() {
      if (waitingNext) {
        const res = waitingNext;
        waitingNext = undefined;
        deliver(res);
      } else queued = true;
    },
    /** The first `name` event; fails early when `process` exits first or nothing happens in time. */
    wait(name, process) {
      if (seen.has(name)) return Promise.resolve(seen.get(name));
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} within ${RUN_TIMEOUT_MS} ms. Ferry's stderr:\n${process.stderr}`)), RUN_TIMEOUT_MS);
        const done = (value) => {
          clearTimeout(timer);
          if (failure) reject(failure);
          else resolve(value);
        };
        waiters.set(name, [...(waiters.get(name) ?? []), done]);
        process.exited.then(() => {
          clearTimeout(timer);
          if (!seen.has(name)) reject(new Error(`the process exited (code ${process.child.exitCode}) before ${name}. Its stderr:\n${process.stderr}`));
        });
      });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
