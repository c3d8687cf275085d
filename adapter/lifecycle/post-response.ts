/** The log line for post-response work (leases), after a result and at SHUTDOWN alike. */
import type { SettleReport } from '../lease/index.ts';
import type { Logger } from '../log.ts';

export function logPostResponse(log: Logger, requestId: string, report: SettleReport): void {
  if (report.leases === 0) return;
  const fields = { request_id: requestId, leases: report.leases, post_response_ms: report.waitedMs, cut_off: report.cutOff.length };
  if (report.cutOff.length === 0) return log.info('post-response work done', fields);
  log.warn('post-response work cut off at the deadline', { ...fields, cut_off_ages_ms: report.cutOff.map((c) => c.ageMs).join(',') });
}
