import { release } from '../../gate.js';

export const dynamic = 'force-dynamic';

export function GET(request) {
  const id = new URL(request.url).searchParams.get('id') ?? 'default';
  return Response.json({ released: release(id) });
}
