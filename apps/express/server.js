import { buildApp } from './app.js';

const port = Number(process.env.PORT ?? 8080);
// Express keeps the Node default keep-alive timeout (5 s): the freeze/thaw test depends on it.
buildApp().listen(port, process.env.HOST ?? '127.0.0.1', () => {
  console.log(`express app listening on http://127.0.0.1:${port}`);
});
