/**
 * The two header names of the lease protocol (see PROTOCOL.md). The app-side helper in
 * `adapter/wait-until` keeps its own copy of the first one because it must not import Ferry;
 * a test keeps the two in step.
 */

/** Request header Ferry adds to every request it forwards: where this invocation's leases begin. */
export const LEASE_URL_HEADER = 'x-ferry-lease-url';

/** Response header of a begin: the id to end the lease with (`DELETE <lease-url>/<id>`). */
export const LEASE_ID_HEADER = 'x-ferry-lease-id';
