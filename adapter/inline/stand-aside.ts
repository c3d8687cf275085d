/**
 * The layer's extension when the function runs Ferry inline (NODE_OPTIONS=--import=/opt/ferry-inline.mjs):
 * the function's own process is the runtime, so the extension must not poll /next. Lambda starts
 * every extension in /opt/extensions and an external extension cannot leave without failing the
 * Init, so it stays registered, idle, until SHUTDOWN. (Images copy only ferry-inline.mjs and have
 * no extension at all: the lighter way.)
 */
import type { ExtensionsClient } from '../runtime/extensions-api.ts';

export async function standAside(extension: ExtensionsClient): Promise<never> {
  process.stderr.write('[ferry] INFO inline mode (NODE_OPTIONS loads ferry-inline.mjs): the function process is the runtime; this extension stays idle\n');
  while (true) {
    const event = await extension.nextEvent().catch(() => undefined);
    if (event?.eventType.toUpperCase() === 'SHUTDOWN') process.exit(0);
    if (event === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
