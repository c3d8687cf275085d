#!/usr/bin/env node
// A bare relay for the streaming figures: the app's response relayed into a streamed /response
// with plain undici to the app (64 KiB socket reads) and the same upload Ferry uses (node:http,
// 1 MiB write buffer, one writev per event-loop turn, pause on back-pressure), and nothing else:
// no header mapping beyond the prelude, no limits, deadlines, error trailers or retries. It runs
// where Ferry runs (an external extension beside the app). Measured in the same run, it shows what
// relaying costs on this machine at all, and what Ferry's wider reads from the app win over it.
import http from 'node:http';
import path from 'node:path';
import { Pool } from 'undici';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const agent = new http.Agent({ keepAlive: true, writableHighWaterMark: 1024 * 1024 });
const app = new Pool(`http://127.0.0.1:${process.env.PORT}`, { pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });

function call(method, target, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: target, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const { headers } = await call(
  'POST',
  '/2020-01-01/extension/register',
  { 'lambda-extension-name': path.basename(process.argv[1]) },
  '{"events":["SHUTDOWN"]}',
);
const extensionId = headers['lambda-extension-identifier'];
void call('GET', '/2020-01-01/extension/event/next', { 'lambda-extension-identifier': extensionId }).then(() => process.exit(0));

// Lambda starts the app after the extensions registered: wait until it answers.
for (;;) {
  try {
    await (await app.request({ method: 'GET', path: '/' })).body.dump();
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (;;) {
  const next = await call('GET', '/2018-06-01/runtime/invocation/next', {});
  const event = JSON.parse(next.body);
  const res = await app.request({ method: 'GET', path: event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath });
  const upload = http.request({
    host,
    port,
    agent,
    method: 'POST',
    path: `/2018-06-01/runtime/invocation/${next.headers['lambda-runtime-aws-request-id']}/response`,
    headers: {
      ...(next.headers['lambda-runtime-invocation-id'] ? { 'lambda-runtime-invocation-id': next.headers['lambda-runtime-invocation-id'] } : {}),
      'lambda-runtime-function-response-mode': 'streaming',
      'transfer-encoding': 'chunked',
      'content-type': 'application/vnd.awslambda.http-integration-response',
    },
  });
  upload.setNoDelay(true);
  const answered = new Promise((resolve, reject) => {
    upload.once('response', (answer) => answer.resume().once('end', resolve));
    upload.once('error', reject);
  });
  let corked;
  const uncork = () => {
    corked?.uncork();
    corked = undefined;
  };
  const write = (chunk) => {
    if (!corked && upload.socket && !upload.socket.connecting) {
      corked = upload.socket;
      corked.cork();
      setImmediate(uncork);
    }
    return upload.write(chunk);
  };
  const { 'content-length': _, ...appHeaders } = res.headers;
  write(Buffer.concat([Buffer.from(JSON.stringify({ statusCode: res.statusCode, headers: appHeaders, cookies: [] })), Buffer.alloc(8)]));
  await new Promise((resolve, reject) => {
    res.body.on('data', (chunk) => {
      if (!write(chunk)) {
        res.body.pause();
        upload.once('drain', () => res.body.resume());
      }
    });
    res.body.once('end', resolve);
    res.body.once('error', reject);
  });
  uncork();
  upload.end();
  await answered;
}
