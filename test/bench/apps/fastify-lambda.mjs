// The in-process contender: the same Fastify app (apps/fastify/app.js) behind @fastify/aws-lambda,
// loaded by a Lambda runtime client as `_HANDLER=fastify-lambda.handler` (LAMBDA_TASK_ROOT = this folder).
import awsLambdaFastify from '@fastify/aws-lambda';
import { buildApp } from '../../../apps/fastify/app.js';

const app = buildApp();
export const handler = awsLambdaFastify(app);
await app.ready();
