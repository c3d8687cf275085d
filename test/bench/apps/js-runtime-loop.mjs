// Fallback in-process runtime, used only when aws-lambda-ric cannot be built: the minimal Runtime
// API loop (GET /next → handler → POST /response) around fastify-lambda.mjs, on an undici Client.
// Reported as "in-process (JS runtime loop, not aws-lambda-ric)".
import { Client } from 'undici';
import { handler } from './fastify-lambda.mjs';

const client = new Client(`http://${process.env.AWS_LAMBDA_RUNTIME_API}`, { headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 600_000 });
const prefix = '/2018-06-01/runtime/invocation';

while (true) {
  const next = await client.request({ method: 'GET', path: `${prefix}/next` });
  const event = JSON.parse(await next.body.text());
  const requestId = String(next.headers['lambda-runtime-aws-request-id']);
  const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
  const nonce = next.headers['lambda-runtime-invocation-id'];
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    invokedFunctionArn: String(next.headers['lambda-runtime-invoked-function-arn']),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const result = await handler(event, context);
  const res = await client.request({
    method: 'POST',
    path: `${prefix}/${encodeURIComponent(requestId)}/response`,
    headers: { 'content-type': 'application/json', ...(nonce ? { 'lambda-runtime-invocation-id': String(nonce) } : {}) },
    body: JSON.stringify(result),
  });
  await res.body.dump();
}
