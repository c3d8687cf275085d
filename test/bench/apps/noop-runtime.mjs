// The emulator floor: a runtime that answers every invocation with a constant result and does
// nothing else. Its latency is the cost of the Runtime API round trip itself (emulator + two
// HTTP exchanges), which every Lambda-side contender pays and no runtime can avoid. Under Managed
// Instances (AWS_LAMBDA_MAX_CONCURRENCY=N) it runs N such loops, each holding its own /next.
import http from 'node:http';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const loops = Number(process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? 1);
const agent = new http.Agent({ keepAlive: true, maxSockets: loops });
const RESULT = JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"hello":"world","framework":"fastify"}' });
const prefix = '/2018-06-01/runtime/invocation';

function call(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function loop() {
  while (true) {
    const next = await call('GET', `${prefix}/next`, {});
    const id = next.headers['lambda-runtime-aws-request-id'];
    const nonce = next.headers['lambda-runtime-invocation-id'];
    await call('POST', `${prefix}/${id}/response`, { 'content-type': 'application/json', ...(nonce ? { 'lambda-runtime-invocation-id': nonce } : {}) }, RESULT);
  }
}

await Promise.all(Array.from({ length: loops }, loop));
