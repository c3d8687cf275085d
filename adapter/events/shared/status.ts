/** Status lines for the sources whose result carries one (ALB, VPC Lattice). */

/** node:http's table, loaded at the first ALB or Lattice result: nothing else in Ferry loads node:http. */
let reasons: Record<number, string | undefined> | undefined;

/**
 * `"200 OK"`, `"404 Not Found"`; a code Node has no reason phrase for gets `"Unknown"`
 * (`"599 Unknown"`): the phrase is informative only (RFC 9112 §4), the code is what counts.
 */
export function statusDescription(statusCode: number): string {
  reasons ??= process.getBuiltinModule('node:http').STATUS_CODES;
  return `${statusCode} ${reasons[statusCode] ?? 'Unknown'}`;
}
