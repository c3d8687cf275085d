// A plain Fastify app: nothing in it knows about Lambda.
import Fastify from 'fastify';

export function buildApp() {
  const app = Fastify({ logger: false });

  app.get('/', async () => ({ hello: 'world', framework: 'fastify' }));

  app.get('/users/:id', async (request) => ({ id: request.params.id, query: request.query }));

  app.post('/users', async (request, reply) => {
    reply.code(201);
    return { created: request.body };
  });

  app.get('/session', async (request, reply) => {
    reply.header('set-cookie', ['session=abc; Path=/; HttpOnly', 'theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
    return { cookies: request.headers.cookie ?? null };
  });

  app.get('/redirect', async (request, reply) => reply.redirect('/users/1', 302));

  app.get('/logo.png', async (request, reply) => {
    // A 1x1 PNG: binary bytes that must reach the client unchanged.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    return reply.type('image/png').send(png);
  });

  return app;
}
