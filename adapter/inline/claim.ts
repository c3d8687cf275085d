/**
 * Which process becomes the runtime. NODE_OPTIONS=--import=… reaches every Node process the app
 * starts (Next.js workers, build tools, npm scripts); only the first may poll /next, so it leaves
 * a mark in the environment its children inherit, and they run as if Ferry were not there.
 */

/** Set by the process that became the runtime; its value is that process's pid. */
export const RUNTIME_MARK = 'FERRY_INLINE_RUNTIME_PID';

/**
 * True (and the mark set in `env`) when this process should be Ferry's runtime: inside Lambda
 * (AWS_LAMBDA_RUNTIME_API set), the function's process rather than an extension (Lambda gives
 * extensions neither _HANDLER nor LAMBDA_TASK_ROOT, but the function's NODE_OPTIONS, so the
 * layer's own extension loads this module too), and no ancestor claimed it already.
 */
export function claimRuntime(env: Record<string, string | undefined>, pid: number): boolean {
  if (!env.AWS_LAMBDA_RUNTIME_API) return false;
  if (env._HANDLER === undefined && env.LAMBDA_TASK_ROOT === undefined) return false;
  if (env[RUNTIME_MARK]) return false;
  env[RUNTIME_MARK] = String(pid);
  return true;
}

/** Whether the function's environment loads inline Ferry (the layer's extension then stays idle). */
export function inlineRequested(env: Record<string, string | undefined>): boolean {
  return /ferry-inline/.test(env.NODE_OPTIONS ?? '');
}
