/**
 * Reading loosely-typed event JSON. Events come from `JSON.parse`, so any field may be missing,
 * `null` or of an unexpected type; codecs read them through these guards instead of trusting them.
 */

export type JsonObject = Record<string, unknown>;

/** A plain JSON object (not `null`, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is an object that has it as its own field, else `undefined`. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A string field, or `undefined` when missing, empty or not a string. */
export function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** A required field is absent: the event claims a source's shape but is not a valid event of it. */
export function missing(what: string): never {
  throw new Error(`the event has no ${what}`);
}
