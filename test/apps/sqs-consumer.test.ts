/**
 * The SQS consumer example (apps/sqs-consumer): an SQS event sent straight to Lambda with
 * `lambda.invoke`, as the event source mapping would. Ferry passes it to the app's POST /events
 * and returns the app's JSON as the Lambda result.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda } from '../../adapter/local/index.ts';
import { FERRY_MODES } from '../helpers/ferry.ts';

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let lambda: LocalLambda;

  beforeAll(async () => {
    lambda = await startLocal({
      inline: mode === 'inline',
      command: ['node', 'server.js'],
      cwd: fileURLToPath(new URL('../../apps/sqs-consumer/', import.meta.url)),
      port: 0,
    });
  });

  afterAll(async () => {
    await lambda?.close();
  });

  /** An SQS event as Lambda's event source mapping delivers it (one record per message). */
  function sqsEvent(messages: Array<{ id: string; body: string }>) {
    return {
      Records: messages.map(({ id, body }) => ({
        messageId: id,
        receiptHandle: `handle-${id}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1700000000000',
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1700000000001',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders',
        awsRegion: 'us-east-1',
      })),
    };
  }

  describe('the SQS consumer', () => {
    it('reports the messages it rejects in batchItemFailures', async () => {
      const result = await lambda.invoke(
        sqsEvent([
          { id: 'm-1', body: JSON.stringify({ orderId: 'A-1', quantity: 2 }) },
          { id: 'm-2', body: 'not json' },
          { id: 'm-3', body: JSON.stringify({ orderId: 'A-3', quantity: 0 }) },
          { id: 'm-4', body: JSON.stringify({ orderId: 'A-4', quantity: 1 }) },
        ]),
      );
      expect(result.outcome).toBe('response');
      expect(result.json()).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    });

    it('returns an empty batchItemFailures when every message is processed', async () => {
      const result = await lambda.invoke(sqsEvent([{ id: 'm-5', body: JSON.stringify({ orderId: 'A-5', quantity: 3 }) }]));
      expect(result.json()).toEqual({ batchItemFailures: [] });
      // The app's stdout travels through a pipe and may land after the result: wait for the line.
      await expect.poll(() => lambda.logs).toContainEqual({ source: 'app', line: 'order A-5: 3 item(s)' });
    });
  });
});
