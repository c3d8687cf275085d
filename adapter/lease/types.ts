/** The lease server's public shapes. */

export interface SettleReport {
  /** Leases begun in the settled scope(s), ended or not. */
  leases: number;
  /** How long settling waited for open leases; 0 when none were open. */
  waitedMs: number;
  /** Leases still open at the deadline, ended by Ferry, with their age at that moment. */
  cutOff: Array<{ id: string; ageMs: number }>;
}

export interface LeaseServer {
  readonly port: number;
  /**
   * Open a lease URL for one invocation; returns it and the header to send to the app. The
   * invocation's scope is made when the app first calls the URL. Opening the same request id
   * again returns the same URL until the invocation settles.
   */
  open(requestId: string): { url: string; headers: Record<string, string> };
  /**
   * Wait until every lease of this scope has ended, or until `untilMs` (epoch ms); then cut off
   * the rest and close the scope (later begins get 410). Resolves at once, without a timer, when
   * no lease is open: it runs on every invocation's hot path. Never rejects.
   */
  settle(requestId: string, untilMs: number): Promise<SettleReport>;
  /** SHUTDOWN: wait at most until `untilMs` for the open leases of every scope, then cut off the rest. */
  drain(untilMs: number): Promise<SettleReport>;
  /** Cut off every lease at once and stop listening. */
  close(): Promise<void>;
}
