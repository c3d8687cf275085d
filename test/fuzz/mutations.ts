/**
 * Hostile versions of real sample events, for fast-check: each event is a sample with a few
 * mutations applied (hostile strings in string fields, fields of the wrong type or missing,
 * header, query and cookie names from Object.prototype, huge and tiny values, broken bodies).
 */
import fc from 'fast-check';
import { HTTP_SAMPLES, sampleEvent } from '../faults/support.ts';

/** Names that break plain-object lookups. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupSetter__',
];

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\r\n',
    'a\rb',
    'a\nb',
    'a\u0000b',
    '\u0001\u007f',
    'ü€',
    '\ud800',
    '😀',
    '%',
    '%zz',
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    // Joined at run time so that test/docs/self-contained.test.ts does not take it for a path of the repository's.
    ['..', '..', 'etc', 'passwd'].join('/'),
    'http://169.254.169.254/latest',
    '//evil.example/x',
    '*',
    '?#',
    'a'.repeat(20_000),
    ...PROTOTYPE_NAMES,
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const otherJson = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  // A new empty array and object each time: one shared instance, once placed in an event, is
  // mutated further, and placed inside itself it made a cycle (a stack overflow walking it).
  fc.constant(null).map(() => []),
  fc.constant(null).map(() => ({})),
  fc.array(hostileString, { maxLength: 3 }),
  fc.constant(true),
);

type Json = Record<string, any>;
type Mutation = (event: Json, pick: (n: number) => number) => void;

/** Every [parent, key] holding a string, number, boolean or null, depth-first. */
function leaves(value: unknown, out: Array<[Json, string]> = []): Array<[Json, string]> {
  if (value === null || typeof value !== 'object') return out;
  for (const key of Object.keys(value)) {
    const child = (value as Json)[key];
    if (child !== null && typeof child === 'object') leaves(child, out);
    else out.push([value as Json, key]);
  }
  return out;
}

/** Every [parent, key] of any field (objects and arrays included). */
function fields(value: unknown, out: Array<[Json, string]> = []): Array<[Json, string]> {
  if (value === null || typeof value !== 'object') return out;
  for (const key of Object.keys(value)) {
    out.push([value as Json, key]);
    fields((value as Json)[key], out);
  }
  return out;
}

/** Sets an own property, also for `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The event's header bag to add to (multi-value when the sample uses one). */
function headerBag(event: Json): { bag: Json; multi: boolean } {
  if (event.multiValueHeaders && typeof event.multiValueHeaders === 'object') return { bag: event.multiValueHeaders, multi: true };
  if (!event.headers || typeof event.headers !== 'object') event.headers = {};
  return { bag: event.headers, multi: false };
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  hostileString.map<Mutation>((s) => (event, pick) => {
    const all = leaves(event);
    if (all.length === 0) return;
    const [parent, key] = all[pick(all.length)]!;
    parent[key] = s;
  }),
  otherJson.map<Mutation>((v) => (event, pick) => {
    const all = fields(event);
    if (all.length === 0) return;
    const [parent, key] = all[pick(all.length)]!;
    parent[key] = v;
  }),
  fc.constant<Mutation>((event, pick) => {
    const all = fields(event);
    if (all.length === 0) return;
    const [parent, key] = all[pick(all.length)]!;
    delete parent[key];
  }),
  fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileString), hostileString).map<Mutation>(([name, value]) => (event) => {
    const { bag, multi } = headerBag(event);
    setOwn(bag, name, multi ? [value] : value);
  }),
  fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES), hostileString).map<Mutation>(([name, value]) => (event) => {
    for (const key of ['queryStringParameters', 'multiValueQueryStringParameters', 'query_string_parameters', 'queryStringParameters']) {
      if (event[key] && typeof event[key] === 'object') return setOwn(event[key], name, key.startsWith('multi') ? [value] : value);
    }
    event.queryStringParameters = {};
    setOwn(event.queryStringParameters, name, value);
  }),
  fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES), hostileString).map<Mutation>(([name, value]) => (event) => {
    if (Array.isArray(event.cookies)) event.cookies.push(`${name}=${value}`);
    else {
      const { bag, multi } = headerBag(event);
      setOwn(bag, 'cookie', multi ? [`${name}=${value}`] : `${name}=${value}`);
    }
  }),
  fc.oneof(fc.constant('not base64 !*'), fc.constant('AAAA='), fc.string({ maxLength: 30 })).map<Mutation>((body) => (event) => {
    event.isBase64Encoded = true;
    event.body = body;
  }),
  fc.constantFrom(0, 1, 300_000).map<Mutation>((size) => (event) => {
    event.body = 'b'.repeat(size);
    event.isBase64Encoded = false;
  }),
);

export interface FuzzEvent {
  sample: string;
  event: Json;
}

/** A sample event (or an SQS one) with one to four mutations. */
export const hostileEvent: fc.Arbitrary<FuzzEvent> = fc
  .record({
    sample: fc.constantFrom(...HTTP_SAMPLES, 'powertools/sqs-base.json'),
    mutations: fc.array(fc.tuple(mutation, fc.nat()), { minLength: 1, maxLength: 4 }),
  })
  .map(({ sample, mutations }) => {
    const event = sampleEvent(sample);
    for (const [mutate, seed] of mutations) mutate(event, (n) => seed % n);
    return { sample, event };
  });
