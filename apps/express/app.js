// A plain Express app: nothing in it knows about Lambda.
import express from 'express';

export function buildApp() {
  const app = express();
  app.use(express.json());

  app.get('/', (req, res) => res.json({ hello: 'world', framework: 'express' }));

  app.get('/users/:id', (req, res) => res.json({ id: req.params.id, query: req.query }));

  app.post('/users', (req, res) => res.status(201).json({ created: req.body }));

  app.get('/session', (req, res) => {
    res.cookie('session', 'abc', { httpOnly: true });
    res.cookie('theme', 'dark', { expires: new Date('2037-10-21T07:28:00Z') });
    res.json({ cookies: req.headers.cookie ?? null });
  });

  app.get('/redirect', (req, res) => res.redirect(302, '/users/1'));

  app.get('/logo.png', (req, res) => {
    // A 1x1 PNG: binary bytes that must reach the client unchanged.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    res.type('image/png').send(png);
  });

  return app;
}
