import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_EXTENSIONS, type ExtensionRecord } from './extension-registry.ts';
import type { Platform } from './platform.ts';
import { reject, sendAccepted, sendJson } from './replies.ts';
import { header, jsonOrText, readBody } from './request-body.ts';

const SMALL_BODY_LIMIT = 1024 * 1024;
const EVENT_TYPES = new Set(['INVOKE', 'SHUTDOWN']);

/**
 * Extensions API handlers (`/2020-01-01`). Error types and the choice of 403 for most
 * refusals follow the platform's published emulator (`Extension.*` error types).
 */
export function createExtensionsApi(platform: Platform) {
  const { opts, log, state, extensions, managed } = platform;

  const refuse = (req: IncomingMessage, res: ServerResponse, errorType: string, message: string, details?: Record<string, unknown>) =>
    reject(log, req, res, { status: 403, errorType, message, details });

  /** The extension named by `Lambda-Extension-Identifier`, or a 403 already sent. */
  function identify(req: IncomingMessage, res: ServerResponse): ExtensionRecord | undefined {
    const id = header(req, 'lambda-extension-identifier');
    if (!id) {
      refuse(req, res, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
      return undefined;
    }
    const ext = extensions.byId(id);
    if (!ext) refuse(req, res, 'Extension.UnknownExtensionIdentifier', `Unknown extension ${id}`, { id });
    return ext;
  }

  /** POST /extension/register */
  async function register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = header(req, 'lambda-extension-name');
    const { body } = await readBody(req, { limit: SMALL_BODY_LIMIT });
    if (!name) return refuse(req, res, 'Extension.InvalidExtensionName', 'Empty extension name: send the Lambda-Extension-Name header');
    let parsed: any;
    try {
      parsed = JSON.parse(body.payload.toString('utf8'));
    } catch (error) {
      return refuse(req, res, 'InvalidRequestFormat', `register body is not JSON: ${(error as Error).message}`, { name });
    }
    const events: unknown = parsed?.events ?? [];
    if (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || !EVENT_TYPES.has(e))) {
      return refuse(req, res, 'Extension.InvalidEventType', `events must be a list of INVOKE and SHUTDOWN; got ${JSON.stringify(events)}`, { name });
    }
    if (managed && events.includes('INVOKE')) {
      return refuse(req, res, 'Extension.InvalidEventType', 'INVOKE: on Lambda Managed Instances an extension may subscribe to SHUTDOWN only', { name });
    }
    if (state.initDone) return refuse(req, res, 'Extension.RegistrationClosed', 'Extension registration closed already', { name });
    if (extensions.byName(name)) return refuse(req, res, 'Extension.InvalidExtensionState', 'Extension with this name already registered', { name });
    if (extensions.list.length >= MAX_EXTENSIONS) {
      return refuse(req, res, 'Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`, { name });
    }
    const ext = extensions.register(name, [...new Set(events as string[])]);
    log.record('extension-registered', { name: ext.name, id: ext.id, events: [...ext.events] });
    sendJson(
      res,
      200,
      { functionName: opts.functionName, functionVersion: opts.functionVersion, handler: opts.handler },
      { 'Lambda-Extension-Identifier': ext.id },
    );
    platform.changed();
  }

  /** GET /extension/event/next: long poll; calling it also says "done with the previous event". */
  function next(req: IncomingMessage, res: ServerResponse): void {
    const ext = identify(req, res);
    if (!ext) return;
    if (ext.waiter && !ext.waiter.destroyed) {
      return refuse(req, res, 'Extension.InvalidExtensionState', `extension ${ext.name} already has a pending /extension/event/next`, {
        name: ext.name,
      });
    }
    log.record('extension-next', { name: ext.name, id: ext.id });
    extensions.wait(ext, res);
    platform.changed();
  }

  /** POST /extension/init/error and /extension/exit/error */
  async function reportError(req: IncomingMessage, res: ServerResponse, phase: 'init' | 'exit'): Promise<void> {
    const ext = identify(req, res);
    if (!ext) return;
    const errorType = header(req, 'lambda-extension-function-error-type');
    if (!errorType) {
      return refuse(req, res, 'Extension.MissingHeader', 'Missing Lambda-Extension-Function-Error-Type header', { name: ext.name });
    }
    if (phase === 'init' && state.initDone) {
      return refuse(req, res, 'Extension.InvalidExtensionState', `Init is over: extension ${ext.name} cannot report an init error`, {
        name: ext.name,
      });
    }
    const { body } = await readBody(req, { limit: SMALL_BODY_LIMIT });
    const parsed = jsonOrText(body.payload);
    log.record(`extension-${phase}-error`, { name: ext.name, id: ext.id, errorType, body: parsed });
    // An extension's init failure fails the sandbox's Init, like the runtime's own, so it is
    // also the sandbox's `init-error` (with the extension named).
    if (phase === 'init' && !state.initError) {
      log.record('init-error', { errorType, body: parsed, extension: ext.name });
      platform.recordInitError({ errorType, body: parsed, extension: ext.name, raw: body.payload });
    }
    sendAccepted(res);
  }

  return {
    register,
    next,
    initError: (req: IncomingMessage, res: ServerResponse) => reportError(req, res, 'init'),
    exitError: (req: IncomingMessage, res: ServerResponse) => reportError(req, res, 'exit'),
  };
}
