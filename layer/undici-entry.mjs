// What `import ... from 'undici'` means inside the layer bundle (see slim-undici.mjs).
//
// undici's own index loads fetch, WebSocket, EventSource, the cache and mock layers, every proxy
// agent and both llhttp builds: about 430 KB minified that Ferry never calls. Ferry uses the
// dispatchers Pool and Client with the request/stream/pipeline API over HTTP/1.1, so that is all
// this entry exports. It is ESM on purpose: a new `import { Agent } from 'undici'` in adapter/
// then fails the build ("No matching export") instead of bundling as undefined.
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import request from 'undici/lib/api/api-request.js';
import stream from 'undici/lib/api/api-stream.js';
import pipeline from 'undici/lib/api/api-pipeline.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import Client from 'undici/lib/dispatcher/client.js';

// What undici's index does with lib/api (Object.assign(Dispatcher.prototype, api)), minus
// upgrade() and connect(): Ferry neither upgrades connections nor opens CONNECT tunnels.
Object.assign(Dispatcher.prototype, { request, stream, pipeline });

export { Pool, Client };
