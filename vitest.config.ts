/**
 * Two projects, one run: `npm test` runs both (after the build), `npm run test:unit` only `unit`.
 *   unit    pure logic: no build, no processes, no sockets (the codecs, compression, the error
 *           catalogue, configuration, the README's tables). A folder listed in UNIT_FOLDERS holds
 *           only such tests; a test that starts anything belongs in another folder.
 *   system  every other test file: the built adapter against the emulator and real apps over
 *           real sockets.
 */
import { configDefaults, defineConfig } from 'vitest/config';

const UNIT_FOLDERS = ['test/events', 'test/respond', 'test/errors', 'test/config', 'test/docs'];
const TEST_FILE = '**/*.{test,spec}.?(c|m)[jt]s?(x)';
const UNIT = UNIT_FOLDERS.map((folder) => `${folder}/${TEST_FILE}`);

export default defineConfig({
  test: {
    // Real processes on a shared machine: Ferry, the emulator and an app start in most tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'system', include: [TEST_FILE], exclude: [...configDefaults.exclude, ...UNIT] } },
    ],
  },
});
