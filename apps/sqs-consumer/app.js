// An SQS consumer as a plain Express app: nothing in it knows about Lambda. Ferry POSTs every
// non-HTTP event (SQS, S3, EventBridge…) to /events (AWS_LWA_PASS_THROUGH_PATH) and returns the
// JSON the app answers as the Lambda result. With ReportBatchItemFailures enabled on the event
// source mapping, `batchItemFailures` names the messages SQS should deliver again.
import express from 'express';

/** An order message is `{"orderId": "...", "quantity": n}` with a positive quantity. */
function isValidOrder(body) {
  try {
    const order = JSON.parse(body);
    return typeof order.orderId === 'string' && Number.isInteger(order.quantity) && order.quantity > 0;
  } catch {
    return false;
  }
}

export function buildApp({ onOrder = () => {} } = {}) {
  const app = express();
  app.use(express.json({ limit: '1mb' }));

  app.get('/', (req, res) => res.json({ ok: true }));

  app.post('/events', (req, res) => {
    const records = Array.isArray(req.body?.Records) ? req.body.Records : [];
    const batchItemFailures = [];
    for (const record of records) {
      if (record.eventSource !== 'aws:sqs') continue;
      if (isValidOrder(record.body)) onOrder(JSON.parse(record.body));
      else batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    res.json({ batchItemFailures });
  });

  return app;
}
