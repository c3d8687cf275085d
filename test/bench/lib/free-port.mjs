// A free TCP port, for the apps and stubs the bench starts (plain JS: the bench needs no TS loader).
import { once } from 'node:events';
import net from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
