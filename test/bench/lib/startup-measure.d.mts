/** Types for startup-measure.mjs: start-up figures of the built adapter. */
import type { Spread as StatsSpread } from './core.mjs';

/** A stats.mjs spread in ms (two decimals), with its nearest-rank p90. */
export interface Spread extends StatsSpread {
  p90: number;
}

export interface CommonOptions {
  /** Default: dist/layer/extensions/ferry. */
  ferryPath?: string;
  runs?: number;
  /** The Node binary; its directory goes first on PATH (Ferry's `#!/usr/bin/env node`). Default: this process's. */
  node?: string;
  /** Extra environment for every process. */
  env?: Record<string, string>;
}

export interface RegistrationResult {
  runs: number;
  node: string;
  /** spawn → /extension/register arrived */
  ferry: Spread;
  /** spawn → exit of `node -e 0` */
  nodeNoop: Spread;
  /** spawn → /extension/register from a bare node:http script: the floor for a Node extension */
  nodeRegister: Spread;
  /** ferry.median / nodeNoop.median */
  ratio: number;
  /** ferry.median / nodeRegister.median */
  ratioToFloor: number;
}

export interface ColdStartOptions extends CommonOptions {
  mode?: 'extension' | 'runtime';
  /** The app command; default `node apps/fastify/server.js`. */
  app?: string[];
}

export interface ColdStartResult {
  mode: 'extension' | 'runtime';
  runs: number;
  node: string;
  /** spawn of the first process → Ferry's first /response */
  firstResponse: Spread;
  /** spawn of the first process → Ferry's first /runtime/invocation/next */
  initDone: Spread;
  /** extension mode: spawn → registered */
  registered?: Spread;
}

export interface IdleRssResult {
  mode: 'extension' | 'runtime';
  /** Ferry's VmRSS in KiB (undefined where /proc is missing). */
  afterInitKiB: number | undefined;
  afterInvokeKiB: number | undefined;
}

export const DEFAULT_FERRY: string;
export const DEFAULT_APP: string[];
export function measureRegistration(options?: CommonOptions): Promise<RegistrationResult>;
export function measureColdStart(options?: ColdStartOptions): Promise<ColdStartResult>;
export function measureIdleRss(options?: ColdStartOptions & { settleMs?: number }): Promise<IdleRssResult>;
export function msSpread(samples: number[]): Spread;
