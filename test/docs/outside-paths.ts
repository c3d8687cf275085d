/**
 * Finds text that names a path outside the repository: a clone alone must build, test and read
 * (issue 19). Three kinds:
 * - an absolute path under a machine's own folders (`/work`, `/root`, `/home`, `/Users`). The
 *   paths Lambda defines (`/opt/extensions`, `/var/task`, `/tmp`, `/usr/local/bin/node`) are
 *   in-sandbox facts, not this machine's, and are allowed;
 * - a relative path (one that starts with `..`) that, read from the file's own folder, leaves the
 *   repository or names nothing in it, unless git ignores the target: prose about a sibling
 *   checkout is caught, build output (dist/, present only after `npm run build`) is not;
 * - code that climbs above the repository root (ROOT followed by a `..` segment).
 */
import path from 'node:path';

export interface OutsideReference {
  file: string;
  line: number;
  text: string;
  why: string;
}

export interface Repository {
  /** Whether a repository-relative path exists in the working tree. */
  exists(relative: string): boolean;
  /** Whether git ignores a repository-relative path (build output, caches). */
  ignored(relative: string): boolean;
}

const MACHINE_PATH = /(?<![\w.~/:-])\/(?:work|root|home|Users)\/[^\s'"`)\]]*/g;
const RELATIVE_PATH = /(?<![\w./-])\.\.(?!\.)(?:\/[\w.@+-]*)*/g;
const ROOT_CLIMB = /\b(?:ROOT|root|repoRoot)\b[}'"`]?\s*[/,]\s*['"`]?\.\.(?![.\w])/g;

/** Every reference to a path outside the repository in one file's text. */
export function outsideReferences(file: string, text: string, repo: Repository): OutsideReference[] {
  const found: OutsideReference[] = [];
  const at = (index: number, match: string, why: string) => {
    found.push({ file, line: text.slice(0, index).split('\n').length, text: match, why });
  };
  for (const m of text.matchAll(MACHINE_PATH)) at(m.index, m[0], 'an absolute path of a machine');
  for (const m of text.matchAll(ROOT_CLIMB)) at(m.index, m[0], 'climbs above the repository root');
  for (const m of text.matchAll(RELATIVE_PATH)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[0].replace(/(?<=[^.])[.,]+$/, '')));
    if (target === '..' || target.startsWith('../')) at(m.index, m[0], 'leaves the repository');
    else if (target !== '.' && !repo.exists(target) && !repo.ignored(target)) at(m.index, m[0], `names ${target}, which is not in the repository`);
  }
  return found;
}
