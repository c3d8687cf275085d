// Types for core.mjs (plain JS so `npm run bench` needs no TypeScript loader), for the smoke test.
export interface Harness {
  startEmulator: (options?: any) => Promise<any>;
  startSandbox: (options: any) => Promise<any>;
  functionUrlEvent: (spec?: any) => Record<string, unknown>;
}

export interface BenchContext {
  /** The repository root. */
  root: string;
  /** The `node` every contender process runs on. */
  node: string;
  /** aws-lambda-ric's index.mjs; undefined → the JS runtime loop stands in. */
  ric?: string;
  /** The built extension, dist/layer/extensions/ferry. */
  ferryBin: string;
  harness: Harness;
  /** Scratch space (the profile build). */
  cacheDir: string;
  notes?: string[];
}

export interface Preset {
  rounds: number;
  warmup: number;
  invocations: number;
  settleMs: number;
  coldRuns: number;
  registrationRuns: number;
  streamMiB: number;
  streamRounds: number;
  sseEvents: number;
  sseIntervalMs: number;
  sseRounds: number;
  mcLevels: number[];
  mcInvocations: number;
  mcWarmup: number;
  mcRounds: number;
  mcTimeoutMs: number;
  profileInvocations: number;
  /** Also run startup-measure.mjs's cold starts (stub Lambda API) as a cross-check. */
  layerCrossCheck: boolean;
}

export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
  n: number;
  unit: string;
  samples: number[];
}

export interface Goal {
  id: string;
  goal: string;
  target: string;
  actual: string;
  met: boolean | null;
  miss: string | null;
}

/** The results object (results.json); sections hold `{ error }` when they failed. */
export interface BenchResults {
  generatedAt: string;
  preset: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: { contenders: string; contendersPath: string; driver: string } };
  inProcessRuntime: string;
  notes: string[];
  goals: Goal[];
  totalSeconds: number;
  [section: string]: any;
}

export const PRESETS: { full: Preset; quick: Preset; smoke: Preset };
export const SECTIONS: string[];
export function runBench(
  ctx: BenchContext,
  options?: { preset?: Preset; presetName?: string; sections?: string[]; log?: (line: string) => void },
): Promise<BenchResults>;
