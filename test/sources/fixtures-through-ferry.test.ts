/**
 * Every HTTP sample event in test/fixtures/events goes through the real adapter to a real
 * app: the app must see exactly the request the codec built, and the result must have the shape
 * that source expects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEvent } from '../../adapter/events/index.ts';
import { FERRY_MODES, ROOT, startFerry, type FerryUnderTest } from '../helpers/ferry.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/events');
const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
const httpFixtures = files
  .map((file) => ({ file, event: JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) }))
  .flatMap(({ file, event }) => {
    const detected = detectEvent(event);
    return detected.kind === 'http' ? [{ file, event, codec: detected.codec }] : [];
  });

describe.each(FERRY_MODES)('%s mode', (mode) => {
  let ferry: FerryUnderTest;
  beforeAll(async () => {
    ferry = await startFerry({ mode });
  });
  afterAll(() => ferry.close());

  /** The body of a Lambda HTTP result as bytes. */
  function resultBody(result: { body?: string; isBase64Encoded?: boolean }): Buffer {
    return Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  }

  describe('sample events through the real adapter', () => {
    it('finds HTTP events of every source among the fixtures', () => {
      expect(new Set(httpFixtures.map((f) => f.codec.source))).toEqual(
        new Set(['alb', 'lattice-v1', 'lattice-v2', 'function-url', 'http-api-v2', 'rest-api-v1']),
      );
    });

    it.each(httpFixtures.map((f) => [f.file, f] as const))('%s reaches the app as decoded and comes back in its source shape', async (_, { event, codec }) => {
      const expected = codec.toRequest(structuredClone(event), { includeStage: false });
      const result = await ferry.invoke(event);
      expect(result.outcome).toBe('response');
      const lambda = result.json();
      expect(lambda.statusCode).toBe(200);
      const echo = JSON.parse(resultBody(lambda).toString());
      expect(echo.method).toBe(expected.method);
      expect(echo.url).toBe(expected.target);
      expect(Buffer.from(echo.body, 'base64')).toEqual(expected.body ?? Buffer.alloc(0));
      for (const [name, value] of Object.entries(expected.headers)) {
        if (name.startsWith('x-amzn-')) continue; // replaced by Ferry's own context headers
        expect(echo.headers[name]).toBe(Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value);
      }

      if (codec.source === 'alb') {
        expect(lambda.statusDescription).toBe('200 OK');
        expect(lambda[event.multiValueHeaders ? 'multiValueHeaders' : 'headers']).toBeDefined();
      } else if (codec.source.startsWith('lattice')) {
        expect(lambda.statusDescription).toBe('200 OK');
      } else if (codec.source === 'rest-api-v1') {
        // API Gateway merges the two maps; repeated headers live in multiValueHeaders.
        expect(lambda.headers['x-echo'] ?? lambda.multiValueHeaders?.['x-echo']?.join()).toBe('yes');
      } else {
        expect(lambda.headers['x-echo']).toBe('yes');
      }
    });
  });
});
