// The slow part of /streaming waits on this gate; GET /api/release opens it. On globalThis:
// the page and the route handler are separate bundles in one server process.
const gates = (globalThis.__ferryGates ??= new Map());

/** Resolves when /api/release?id=<id> is called (or after 10 s, so a stray render cannot hang). */
export function waitForRelease(id) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timed out'), 10_000);
    gates.set(id, () => {
      clearTimeout(timer);
      resolve('released');
    });
  });
}

export function release(id) {
  const open = gates.get(id);
  gates.delete(id);
  open?.();
  return open !== undefined;
}
