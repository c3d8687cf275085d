/**
 * The lease server's URL space, as a pure function from method and URL to a route, so every odd
 * request has a defined answer and none can reach code that assumes a well-formed one.
 *   POST   /leases/<token>[?hold=0]   begin (held, or detached with hold=0)
 *   DELETE /leases/<token>/<id>       end
 */

export type Route =
  | { kind: 'begin'; token: string; hold: boolean }
  | { kind: 'end'; token: string; id: string }
  | { kind: 'refuse'; status: 400 | 404 | 405; message: string; allow?: string };

export function routeOf(method: string | undefined, url: string | undefined): Route {
  const target = url ?? '';
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const segments = path.split('/');
  // segments[0] is the empty string before the leading slash.
  const shaped = segments[0] === '' && segments[1] === 'leases' && (segments.length === 3 || segments.length === 4);
  if (!shaped || segments.some((segment, at) => at > 0 && segment === '')) {
    return { kind: 'refuse', status: 404, message: 'No such endpoint; lease URLs look like /leases/<token>.' };
  }
  // Tokens and ids are only ever map keys, so any other text is merely unknown, never dangerous.
  const token = segments[2];
  const id = segments[3];

  if (id === undefined) {
    if (method !== 'POST') return { kind: 'refuse', status: 405, message: 'Begin a lease with POST.', allow: 'POST' };
    const hold = holdOf(query);
    if (hold === undefined) return { kind: 'refuse', status: 400, message: 'hold must be 0 or 1.' };
    return { kind: 'begin', token, hold };
  }
  if (method !== 'DELETE') return { kind: 'refuse', status: 405, message: 'End a lease with DELETE.', allow: 'DELETE' };
  return { kind: 'end', token, id };
}

function holdOf(query: string): boolean | undefined {
  const value = new URLSearchParams(query).get('hold');
  if (value === null || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  return undefined;
}
