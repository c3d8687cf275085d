import { Suspense } from 'react';
import { waitForRelease } from '../gate.js';

export const dynamic = 'force-dynamic';

async function SlowPart({ id }) {
  const how = await waitForRelease(id);
  return <p id="slow">The slow part arrived ({how}).</p>;
}

/** The shell (heading + fallback) streams at once; the slow part follows once released. */
export default async function Streaming({ searchParams }) {
  const { id = 'default' } = await searchParams;
  return (
    <main>
      <h1 id="shell">The shell arrives first</h1>
      <Suspense fallback={<p id="fallback">Loading the slow part…</p>}>
        <SlowPart id={id} />
      </Suspense>
    </main>
  );
}
