/**
 * Models of the event sources, for the contract suite and the property tests: how each real
 * source turns a client's request into an event, and how a client receives a result. Base events
 * are small copies of the published samples (see test/fixtures/events), with overrides.
 *
 * The models encode what is known about each source (docs/lambda-protocol.md §5, docs/field-notes.md):
 * - REST API and Function URL keep the path percent-encoded; HTTP API decodes it (rawPath and
 *   the 1.0 `path`); ALB and Lattice keep it encoded.
 * - API Gateway 1.0 query maps hold DECODED values; ALB's hold them still ENCODED; payload 2.0
 *   has the raw `rawQueryString`; Lattice v2 puts the raw query in `path`.
 * - Payload 2.0 comma-joins repeated headers and moves cookies to `cookies[]`.
 */
import type { AppRequest, EventCodec } from '../../adapter/events/index.ts';
import { albCodec, functionUrlCodec, httpApiV1Codec, httpApiV2Codec, latticeV1Codec, latticeV2Codec, restApiV1Codec } from '../../adapter/events/index.ts';

/** What a client sent, before any front end touched it. */
export interface ClientRequest {
  method: string;
  /** The path as the client put it on the wire: percent-encoded ASCII. */
  path: string;
  /** Query pairs as the client meant them (decoded); on the wire via `encodeURIComponent`. */
  query: Array<[string, string]>;
  /** Lower-case names, in order, names may repeat; no `cookie` (see `cookies`). */
  headers: Array<[string, string]>;
  /** `name=value` pairs, sent as one `Cookie` header joined with `; `. */
  cookies: string[];
  body: Buffer | null;
}

/** What a client receives from the front end for a result. */
export interface ClientResponse {
  statusCode: number;
  /** Every header field as received (lower-case names), `set-cookie` excluded. */
  headers: Array<[string, string]>;
  setCookies: string[];
  body: Buffer;
}

export interface SourceTraits {
  /** `exact`: the app gets the client's path bytes; `decoded`: equal once percent-decoded (the source decoded it). */
  path: 'exact' | 'decoded';
  /** `exact`: the raw query verbatim; `grouped`: all values, grouped by key; `last`: last value per key. */
  query: 'exact' | 'grouped' | 'last';
  /** Repeated request headers reach the app as every value, one comma-joined value, or the last value. */
  requestHeaders: 'all' | 'comma-joined' | 'last';
  /** Repeated response headers reach the client as separate fields or one comma-joined field. */
  responseHeaders: 'all' | 'comma-joined';
  /** Several Set-Cookie reach the client, or only the last (ALB single-value mode, Lattice). */
  setCookies: 'all' | 'last';
  /** The result carries a `statusDescription`. */
  statusDescription: boolean;
}

export interface SourceModel {
  name: string;
  codec: EventCodec;
  traits: SourceTraits;
  event(request: ClientRequest): Record<string, unknown>;
  receive(result: Record<string, unknown>): ClientResponse;
}

// ---------------------------------------------------------------------------------------------
// Client-side helpers

export function wireQuery(query: Array<[string, string]>): string {
  return query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

export function cookieLine(cookies: string[]): string | undefined {
  return cookies.length === 0 ? undefined : cookies.join('; ');
}

/** What the front end sees as "text" on the way in (measured on HTTP API, docs/lambda-protocol.md §5). */
function arrivesAsText(request: ClientRequest): boolean {
  const type =
    request.headers
      .find(([n]) => n === 'content-type')?.[1]
      ?.split(';')[0]
      .trim() ?? '';
  const textual = type.startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(type);
  return textual && request.body !== null && Buffer.from(request.body.toString('utf8'), 'utf8').equals(request.body);
}

function bodyFields(request: ClientRequest, emptyAs: '' | null | undefined): { body: string | null | undefined; isBase64Encoded: boolean } {
  if (request.body === null) return { body: emptyAs, isBase64Encoded: false };
  return arrivesAsText(request)
    ? { body: request.body.toString('utf8'), isBase64Encoded: false }
    : { body: request.body.toString('base64'), isBase64Encoded: true };
}

function grouped(pairs: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}

function lastOf(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

/** Headers including the cookie line, as the front end received them. */
function allHeaders(request: ClientRequest): Array<[string, string]> {
  const line = cookieLine(request.cookies);
  return line === undefined ? request.headers : [...request.headers, ['cookie', line]];
}

/** HTTP API decodes the path it puts in the event. */
function decodePath(path: string): string {
  return decodeURIComponent(path);
}

function bodyOf(result: Record<string, unknown>): Buffer {
  const body = typeof result.body === 'string' ? result.body : '';
  return result.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** A client's view of a result that has `headers` (one value each) and maybe `multiValueHeaders`. */
function receiveMaps(result: Record<string, unknown>): ClientResponse {
  const single = (result.headers ?? {}) as Record<string, string>;
  const multi = (result.multiValueHeaders ?? {}) as Record<string, string[]>;
  const fields: Array<[string, string]> = [];
  const seen = new Set<string>();
  // API Gateway and ALB merge both maps; a name in multiValueHeaders takes its values from there.
  for (const [name, values] of Object.entries(multi)) {
    seen.add(name.toLowerCase());
    for (const v of values) fields.push([name.toLowerCase(), v]);
  }
  for (const [name, value] of Object.entries(single)) if (!seen.has(name.toLowerCase())) fields.push([name.toLowerCase(), value]);
  return {
    statusCode: result.statusCode as number,
    headers: fields.filter(([n]) => n !== 'set-cookie'),
    setCookies: fields.filter(([n]) => n === 'set-cookie').map(([, v]) => v),
    body: bodyOf(result),
  };
}

function receiveV2(result: Record<string, unknown>): ClientResponse {
  const single = (result.headers ?? {}) as Record<string, string>;
  return {
    statusCode: result.statusCode as number,
    headers: Object.entries(single)
      .map(([n, v]) => [n.toLowerCase(), v] as [string, string])
      .filter(([n]) => n !== 'set-cookie'),
    setCookies: (result.cookies ?? []) as string[],
    body: bodyOf(result),
  };
}

// ---------------------------------------------------------------------------------------------
// Base events (trimmed copies of the published samples)

export const baseRestEvent = (): Record<string, unknown> => ({
  resource: '/{proxy+}',
  path: '/',
  httpMethod: 'GET',
  headers: null,
  multiValueHeaders: null,
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: {
    resourcePath: '/{proxy+}',
    httpMethod: 'GET',
    path: '/prod/',
    accountId: '123456789012',
    protocol: 'HTTP/1.1',
    stage: 'prod',
    domainPrefix: 'puhdx84jy9',
    requestId: 'f88e38e3-2060-4a56-93c0-9efbc6a659a0',
    identity: { sourceIp: '15.248.3.126', userAgent: 'HTTPie/3.2.2' },
    domainName: 'puhdx84jy9.execute-api.eu-west-1.amazonaws.com',
    apiId: 'puhdx84jy9',
  },
  body: null,
  isBase64Encoded: false,
});

export const baseV2Event = (domainName = 'lsw1ro4ipb.execute-api.eu-west-1.amazonaws.com'): Record<string, unknown> => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: {},
  requestContext: {
    accountId: '123456789012',
    apiId: 'lsw1ro4ipb',
    domainName,
    domainPrefix: domainName.split('.')[0],
    http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '15.248.3.126', userAgent: 'HTTPie/3.2.2' },
    requestId: 'ZhNHJhhLjoEEPiw=',
    routeKey: '$default',
    stage: '$default',
    time: '17/Jun/2024:15:52:39 +0000',
    timeEpoch: 1718639559080,
  },
  isBase64Encoded: false,
});

export const FUNCTION_URL_DOMAIN = 'a1b2c3d4e5f6.lambda-url.us-west-2.on.aws';

export const baseAlbEvent = (): Record<string, unknown> => ({
  requestContext: {
    elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a' },
  },
  httpMethod: 'GET',
  path: '/',
  body: '',
  isBase64Encoded: false,
});

export const baseLatticeV2Event = (): Record<string, unknown> => ({
  version: '2.0',
  path: '/',
  method: 'GET',
  headers: {},
  body: '',
  isBase64Encoded: false,
  requestContext: {
    serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-2:123456789012:servicenetwork/sn-0bf3f2882e9cc805a',
    serviceArn: 'arn:aws:vpc-lattice:us-east-2:123456789012:service/svc-0a40eebed65f8d69c',
    targetGroupArn: 'arn:aws:vpc-lattice:us-east-2:123456789012:targetgroup/tg-6d0ecf831eec9f09',
    identity: { type: 'AWS_IAM' },
    region: 'us-east-2',
    timeEpoch: '1696331543569073',
  },
});

export const baseLatticeV1Event = (): Record<string, unknown> => ({
  raw_path: '/',
  method: 'GET',
  headers: {},
  query_string_parameters: {},
  body: '',
  is_base64_encoded: false,
});

// ---------------------------------------------------------------------------------------------
// The models

function payloadV1(name: string, codec: EventCodec, path: 'exact' | 'decoded', version?: string): SourceModel {
  return {
    name,
    codec,
    traits: { path, query: 'grouped', requestHeaders: 'all', responseHeaders: 'all', setCookies: 'all', statusDescription: false },
    event(request) {
      const headers = allHeaders(request);
      const base = baseRestEvent();
      return {
        ...base,
        ...(version ? { version } : {}),
        path: path === 'decoded' ? decodePath(request.path) : request.path,
        httpMethod: request.method,
        headers: headers.length ? lastOf(headers) : null,
        multiValueHeaders: headers.length ? grouped(headers) : null,
        queryStringParameters: request.query.length ? lastOf(request.query) : null,
        multiValueQueryStringParameters: request.query.length ? grouped(request.query) : null,
        requestContext: { ...(base.requestContext as object), httpMethod: request.method, path: `/prod${request.path}` },
        ...bodyFields(request, null),
      };
    },
    receive: receiveMaps,
  };
}

function payloadV2(name: string, codec: EventCodec, domainName: string, path: 'exact' | 'decoded'): SourceModel {
  return {
    name,
    codec,
    traits: { path, query: 'exact', requestHeaders: 'comma-joined', responseHeaders: 'comma-joined', setCookies: 'all', statusDescription: false },
    event(request) {
      const base = baseV2Event(domainName);
      const headers: Record<string, string> = {};
      for (const [n, v] of request.headers) headers[n] = headers[n] === undefined ? v : `${headers[n]},${v}`;
      // Function URLs also leave the cookie line in `headers` (see the aws-lambda-go sample).
      const line = cookieLine(request.cookies);
      if (line !== undefined && codec === functionUrlCodec) headers.cookie = line;
      const rawPath = path === 'decoded' ? decodePath(request.path) : request.path;
      const context = base.requestContext as Record<string, unknown>;
      return {
        ...base,
        rawPath,
        rawQueryString: wireQuery(request.query),
        ...(request.cookies.length ? { cookies: [...request.cookies] } : {}),
        headers,
        ...(request.query.length
          ? { queryStringParameters: Object.fromEntries(Object.entries(grouped(request.query)).map(([k, v]) => [k, v.join(',')])) }
          : {}),
        requestContext: { ...context, http: { ...(context.http as object), method: request.method, path: decodePath(request.path) } },
        ...bodyFields(request, undefined),
      };
    },
    receive: receiveV2,
  };
}

function albModel(mode: 'multi' | 'single'): SourceModel {
  return {
    name: `alb (${mode}-value)`,
    codec: albCodec,
    traits: {
      path: 'exact',
      query: mode === 'multi' ? 'grouped' : 'last',
      requestHeaders: mode === 'multi' ? 'all' : 'last',
      responseHeaders: mode === 'multi' ? 'all' : 'comma-joined',
      setCookies: mode === 'multi' ? 'all' : 'last',
      statusDescription: true,
    },
    event(request) {
      // ALB does not decode the query: keys and values are as the client encoded them.
      const encoded = request.query.map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)] as [string, string]);
      const headers = allHeaders(request);
      return {
        ...baseAlbEvent(),
        httpMethod: request.method,
        path: request.path,
        ...(mode === 'multi'
          ? { multiValueQueryStringParameters: grouped(encoded), multiValueHeaders: grouped(headers) }
          : { queryStringParameters: lastOf(encoded), headers: lastOf(headers) }),
        ...bodyFields(request, ''),
      };
    },
    receive: receiveMaps,
  };
}

const latticeTraits: SourceTraits = {
  path: 'exact',
  query: 'exact',
  requestHeaders: 'all',
  responseHeaders: 'comma-joined',
  setCookies: 'last',
  statusDescription: true,
};

const latticeV2Model: SourceModel = {
  name: 'lattice-v2',
  codec: latticeV2Codec,
  traits: latticeTraits,
  event(request) {
    const query = wireQuery(request.query);
    return {
      ...baseLatticeV2Event(),
      method: request.method,
      path: query === '' ? request.path : `${request.path}?${query}`,
      headers: grouped(allHeaders(request)),
      ...bodyFields(request, ''),
    };
  },
  receive: receiveMaps,
};

const latticeV1Model: SourceModel = {
  name: 'lattice-v1',
  codec: latticeV1Codec,
  traits: { ...latticeTraits, query: 'grouped' },
  event(request) {
    const headers = grouped(allHeaders(request));
    const fields = bodyFields(request, '');
    return {
      ...baseLatticeV1Event(),
      method: request.method,
      raw_path: request.path,
      // Strings for single values, arrays for repeats: both shapes appear in the wild.
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
      query_string_parameters: Object.fromEntries(Object.entries(grouped(request.query)).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
      body: fields.body,
      is_base64_encoded: fields.isBase64Encoded,
    };
  },
  receive: receiveMaps,
};

export const SOURCES: readonly SourceModel[] = [
  payloadV1('rest-api-v1', restApiV1Codec, 'exact'),
  payloadV1('http-api-v1', httpApiV1Codec, 'decoded', '1.0'),
  payloadV2('http-api-v2', httpApiV2Codec, 'lsw1ro4ipb.execute-api.eu-west-1.amazonaws.com', 'decoded'),
  payloadV2('function-url', functionUrlCodec, FUNCTION_URL_DOMAIN, 'exact'),
  albModel('multi'),
  albModel('single'),
  latticeV2Model,
  latticeV1Model,
];

// ---------------------------------------------------------------------------------------------
// Reading what the app received

export function splitTarget(target: string): { path: string; query: string | undefined } {
  const at = target.indexOf('?');
  return at === -1 ? { path: target, query: undefined } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

/** The query pairs an app parses from a target (decoded once, as `URLSearchParams` would, minus `+`). */
export function parseQuery(query: string | undefined): Array<[string, string]> {
  if (query === undefined || query === '') return [];
  return query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const [k, v] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

/** The pairs a source lets through, in the order the app should see them. */
export function expectedQuery(traits: SourceTraits, query: Array<[string, string]>): Array<[string, string]> {
  if (traits.query === 'exact') return query;
  if (traits.query === 'grouped') return Object.entries(grouped(query)).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]));
  return Object.entries(lastOf(query));
}

/** Every value of a header in the app's request. */
export function appHeader(request: AppRequest, name: string): string[] {
  const value = request.headers[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** What the app should receive for a repeated request header. */
export function expectedHeaderValues(traits: SourceTraits, values: string[]): string[] {
  if (traits.requestHeaders === 'all') return values;
  if (traits.requestHeaders === 'comma-joined') return [values.join(',')];
  return [values[values.length - 1]];
}

/** What the client should receive for a repeated response header. */
export function expectedResponseValues(traits: SourceTraits, values: string[]): string[] {
  return traits.responseHeaders === 'all' ? values : [values.join(', ')];
}

export function expectedSetCookies(traits: SourceTraits, cookies: string[]): string[] {
  return traits.setCookies === 'all' || cookies.length === 0 ? cookies : [cookies[cookies.length - 1]];
}
