import { buildApp } from './app.js';

const app = buildApp();
const port = Number(process.env.PORT ?? 8080);
await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`fastify app listening on http://127.0.0.1:${port}`);
