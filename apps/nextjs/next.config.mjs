import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * `output: 'standalone'`: `next build` writes .next/standalone/server.js with only the files it
 * needs (docs/frameworks.md). The tracing root is this folder: inside a repository with its own
 * lockfile Next would take the repository as the root and nest the app in standalone/apps/nextjs/.
 */
export default { output: 'standalone', outputFileTracingRoot: here, turbopack: { root: here } };
