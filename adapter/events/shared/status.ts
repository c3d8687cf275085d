/** Status lines for the sources whose result carries one (ALB, VPC Lattice). */
import { STATUS_CODES } from 'node:http';

/**
 * `"200 OK"`, `"404 Not Found"`; a code Node has no reason phrase for gets `"Unknown"`
 * (`"599 Unknown"`): the phrase is informative only (RFC 9112 §4), the code is what counts.
 */
export function statusDescription(statusCode: number): string {
  return `${statusCode} ${STATUS_CODES[statusCode] ?? 'Unknown'}`;
}
