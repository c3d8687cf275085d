export function cachePaths(root: string): {
  cacheDir: string;
  nodeDir: string;
  node: string;
  ricDir: string;
  ric: string;
  ricAddon: string;
  ricFailure: string;
  harness: string;
};
export function ensureTools(
  root: string,
  options?: { log?: (line: string) => void; retryRic?: boolean },
): { node: string; ric: string | undefined; notes: string[]; cacheDir: string };
export function loadHarness(root: string): Promise<any>;
