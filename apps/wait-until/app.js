// An Express app that does work after answering. On Lambda the sandbox is frozen as soon as the
// response is out, so that work would stall; `waitUntil` keeps the sandbox running until it ends.
//
// In your own app:   import { waitUntil } from 'ferry-lambda/wait-until';
// This example imports the helper built from this repository (npm run build) instead.
import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { waitUntil } from '../../dist/wait-until.mjs';

/** `receiptsFile`: where the post-response work writes one line per order. */
export function buildApp({ receiptsFile }) {
  const app = express();
  app.use(express.json());

  app.get('/', (req, res) => res.json({ ok: true }));

  app.post('/orders', (req, res) => {
    const order = { id: String(req.body?.id ?? 'unknown'), at: new Date().toISOString() };
    // Register the work BEFORE sending the response: Ferry must know about it in time.
    waitUntil(req, async () => {
      await sleep(300); // e.g. sending an email, flushing analytics
      await appendFile(receiptsFile, `receipt for order ${order.id}\n`);
      console.log(`receipt written for order ${order.id}`);
    });
    res.status(201).json(order);
  });

  return app;
}
