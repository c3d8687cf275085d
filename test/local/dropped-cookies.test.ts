/**
 * ALB without multi-value headers and VPC Lattice carry one Set-Cookie (AWS's behaviour): Ferry
 * warns once, the first time it must drop one, naming the fix. The warning is Ferry's, so it is
 * the same on AWS.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocal, type LocalLambda, type LocalEventSource } from '../../adapter/local/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = ['node', path.join(ROOT, 'test/local/fixtures/two-cookies-app.mjs')];

let lambda: LocalLambda | undefined;
afterEach(async () => {
  await lambda?.close();
  lambda = undefined;
});

const warnings = (l: LocalLambda) => l.logs.filter((log) => log.source === 'ferry' && log.line.includes('Set-Cookie headers'));

/** Every line Ferry wrote: its shutdown line comes last on the same pipe, after all the others. */
async function allOfFerrysLines(l: LocalLambda): Promise<void> {
  await l.close();
  await l.sandbox.waitForLog(/shutting down reason=spindown/);
}

describe('dropped Set-Cookie headers', () => {
  it.each([
    ['alb', /carries only the last one: enable multi-value headers on the ALB target group/],
    ['lattice-v2', /carries only the last one: VPC Lattice carries one Set-Cookie per response/],
  ] as Array<[LocalEventSource, RegExp]>)('behind %s: one WARN with the fix, the first time only', async (event, fix) => {
    lambda = await startLocal({ command: APP, port: 0, event });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(lambda.url);
      expect(res.headers.getSetCookie()).toEqual(['theme=dark']);
    }
    await allOfFerrysLines(lambda);
    expect(warnings(lambda).map((l) => l.line)).toEqual([expect.stringMatching(/^\[ferry\] WARN the response has 2 Set-Cookie headers but/)]);
    expect(warnings(lambda)[0]!.line).toMatch(fix);
  });

  it('says nothing where every cookie is carried (ALB with multi-value headers)', async () => {
    lambda = await startLocal({ command: APP, port: 0, event: 'alb-multi' });
    const res = await fetch(lambda.url);
    expect(res.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    await allOfFerrysLines(lambda);
    expect(warnings(lambda)).toEqual([]);
  });
});
