/**
 * Typed readers over an explicit environment object. Each records a problem and returns the
 * default, so one pass finds every problem; each warns once per deprecated name it honours.
 * A value is looked up as: the setting's own name, then its fallbacks, then its deprecated names.
 */
import { settingNamed, type ReaderKind } from './settings.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Inclusive status ranges, e.g. `200-399,404` → [[200,399],[404,404]]. */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

/** Where a value came from: the name the user set (used in every message) and its trimmed text. */
interface Found {
  from: string;
  value: string;
}

export class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
    private readonly warnings: string[],
  ) {}

  /** The trimmed value of exactly this variable; empty counts as unset. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  private find(name: string, kind: ReaderKind): Found | undefined {
    const setting = settingNamed(name);
    if (setting.reader !== kind) throw new Error(`${name} is listed with reader '${setting.reader}' but read as '${kind}'`);
    let found: Found | undefined;
    for (const candidate of [name, ...(setting.fallbacks ?? [])]) {
      const value = this.raw(candidate);
      if (value !== undefined) {
        found = { from: candidate, value };
        break;
      }
    }
    for (const old of setting.deprecated ?? []) {
      const value = this.raw(old);
      if (value === undefined) continue;
      if (found) {
        this.warn(`${old} is deprecated (a Lambda Web Adapter 0.x name) and ignored because ${found.from} is set; remove ${old}`);
      } else {
        this.warn(`${old} is deprecated (a Lambda Web Adapter 0.x name): rename it to ${name}`);
        found = { from: old, value };
      }
    }
    return found;
  }

  text(name: string, fallback: string): string {
    return this.find(name, 'text')?.value ?? fallback;
  }

  host(name: string, fallback: string): string {
    const found = this.find(name, 'host');
    if (!found) return fallback;
    if (!/^[A-Za-z0-9.\-:[\]]+$/.test(found.value)) return this.reject(found, 'a host name or IP address', fallback);
    return found.value.replace(/^\[(.*)\]$/, '$1');
  }

  /** `host:port` or `[ipv6]:port`, as Lambda writes AWS_LAMBDA_RUNTIME_API. */
  hostPort(name: string): string | undefined {
    const found = this.find(name, 'host-port');
    if (!found) return undefined;
    if (!/^[^\s/:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(found.value)) return this.reject(found, 'host:port (no scheme, no path)', undefined);
    return found.value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.wholeNumber(this.find(name, 'integer'), fallback, min, max);
  }

  port(name: string, fallback: number): number {
    return this.wholeNumber(this.find(name, 'port'), fallback, 1, 65535);
  }

  /** Seconds as LWA writes them (`4`, `0.5`), returned in milliseconds. */
  seconds(name: string, fallbackMs: number, maxSeconds: number): number {
    const found = this.find(name, 'seconds');
    if (!found) return fallbackMs;
    if (!/^\d+(\.\d+)?$/.test(found.value) || Number(found.value) > maxSeconds) {
      return this.reject(found, `a number of seconds 0-${maxSeconds} (e.g. 4 or 0.5, no unit)`, fallbackMs);
    }
    return Math.round(Number(found.value) * 1000);
  }

  boolean(name: string, fallback: boolean): boolean {
    const found = this.find(name, 'boolean');
    if (!found) return fallback;
    const value = found.value.toLowerCase();
    if (value === 'true' || value === '1' || value === 'yes') return true;
    if (value === 'false' || value === '0' || value === 'no') return false;
    return this.reject(found, 'true or false', fallback);
  }

  /** One of `allowed`, in any case (LWA lower-cases these values); returns the canonical spelling. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const found = this.find(name, 'choice');
    if (!found) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === found.value.toLowerCase());
    return match ?? this.reject(found, `one of ${allowed.join(', ')}`, fallback);
  }

  /** A request target: a path starting with '/', optionally with a query (`/health?deep=1`). */
  path(name: string, fallback: string): string {
    const found = this.find(name, 'path');
    if (!found) return fallback;
    if (!found.value.startsWith('/') || /[\s#]/.test(found.value)) return this.reject(found, "a path starting with '/' (no spaces or '#')", fallback);
    return found.value;
  }

  /** A bare path prefix (no query). */
  basePath(name: string): string | undefined {
    const found = this.find(name, 'base-path');
    if (!found) return undefined;
    if (!found.value.startsWith('/') || /[\s?#]/.test(found.value)) return this.reject(found, "a path starting with '/' (no spaces, '?' or '#')", undefined);
    return found.value;
  }

  headerName(name: string): string | undefined {
    const found = this.find(name, 'header-name');
    if (!found) return undefined;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(found.value)) return this.reject(found, 'an HTTP header name', undefined);
    return found.value.toLowerCase();
  }

  statusRanges(name: string, fallback: string): StatusRanges {
    const found = this.find(name, 'status-ranges');
    if (!found) return parseStatusRanges(fallback);
    try {
      return parseStatusRanges(found.value);
    } catch (error) {
      this.problem(`${found.from} must be a list of status codes and ranges like 200-399,404: ${(error as Error).message}`);
      return parseStatusRanges(fallback);
    }
  }

  private wholeNumber(found: Found | undefined, fallback: number, min: number, max: number): number {
    if (!found) return fallback;
    if (!/^\d+$/.test(found.value) || Number(found.value) < min || Number(found.value) > max) return this.reject(found, `an integer ${min}-${max}`, fallback);
    return Number(found.value);
  }

  private reject<T>(found: Found, expected: string, fallback: T): T {
    this.problem(`${found.from} must be ${expected}; got '${found.value}'`);
    return fallback;
  }
}

/** Parse `200-399,404` into inclusive ranges; throws a message on bad input. */
export function parseStatusRanges(text: string): StatusRanges {
  const ranges: Array<readonly [number, number]> = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    const low = match ? Number(match[1]) : NaN;
    const high = match?.[2] !== undefined ? Number(match[2]) : low;
    if (!match || low < 100 || high > 599 || low > high) throw new Error(`'${part}' is not a status code (100-599) or range like 200-399`);
    ranges.push([low, high]);
  }
  return ranges;
}

export function statusIn(status: number, ranges: StatusRanges): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}
