/** How a local log line is shown: `[app] …`, `[ferry] …`, `[lambda] …`, never the prefix twice. */
import type { LocalLog } from './start-local.ts';

/** Ferry's own lines already start with `[ferry]`: they keep the one they have. */
export function prefixed(log: LocalLog): string {
  return log.line.startsWith(`[${log.source}]`) ? log.line : `[${log.source}] ${log.line}`;
}
