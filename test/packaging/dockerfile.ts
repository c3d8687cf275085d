/**
 * Enough of a Dockerfile reader and builder to check the image's file layout without a Docker
 * engine: instructions are parsed, each stage gets a directory as its root, COPY copies from the
 * build context (honouring .dockerignore) or from an earlier stage, and RUN lines are handed to
 * emulators the caller names with a reason. Base images contribute no files: their `node` is the
 * one on this machine's PATH.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  base: string;
  /** Where this stage's `/` is on the local disk. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[] | undefined;
  exposed: string[];
}

export interface CopyRecord {
  stage: string;
  from: string;
  sources: string[];
  dest: string;
  line: number;
}

/** Emulates one RUN line; `cwd` is the stage's WORKDIR on disk. */
export type RunEmulator = (context: { stage: Stage; cwd: string; command: string }) => void;

export interface RunRule {
  match: RegExp;
  /** Why an emulation stands in for the real command. */
  reason: string;
  run: RunEmulator;
}

/** Logical lines: continuations joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ');
      i++;
      if (!/^\s*#/.test(lines[i]!)) line += lines[i]!.trim();
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line.trim());
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read '${line}'`);
    out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** Words of a shell-form argument list; double or single quotes group. */
function words(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function execForm(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return ['/bin/sh', '-c', args];
}

/** .dockerignore as Docker applies it: Go filepath.Match patterns, `**` for any depth, `!` to re-include. */
export function dockerignore(context: string): (relative: string) => boolean {
  const file = path.join(context, '.dockerignore');
  const rules = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const compiled = rules.map((rule) => {
    const negate = rule.startsWith('!');
    const pattern = path.posix.normalize((negate ? rule.slice(1) : rule).replace(/^\/+/, ''));
    const source = pattern
      .split('/')
      .map((part) =>
        part === '**'
          ? '(?:.*)'
          : part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    return { negate, regex: new RegExp(`^${source}(?:/.*)?$`) };
  });
  return (relative) => {
    let excluded = false;
    for (const rule of compiled) if (rule.regex.test(relative)) excluded = !rule.negate;
    return excluded;
  };
}

/**
 * Build the stages into `out` (one directory per stage) and return them, the last being the image.
 * Throws, naming the Dockerfile line, on a COPY source that does not exist and on a RUN line no
 * rule emulates.
 */
export function buildLayout(options: { dockerfile: string; context: string; out: string; run: RunRule[] }) {
  const instructions = parseDockerfile(readFileSync(options.dockerfile, 'utf8'));
  const ignored = dockerignore(options.context);
  const stages: Stage[] = [];
  const copies: CopyRecord[] = [];
  const runs: Array<{ command: string; reason: string; line: number }> = [];
  let stage: Stage | undefined;

  const inStage = (s: Stage, p: string) => path.join(s.root, path.posix.resolve(s.workdir, p));
  for (const ins of instructions) {
    const where = `Dockerfile line ${ins.line} (${ins.keyword} ${ins.args})`;
    if (ins.keyword === 'FROM') {
      const [base, as, name] = words(ins.args);
      const root = path.join(options.out, `stage-${stages.length}${name ? `-${name}` : ''}`);
      mkdirSync(root, { recursive: true });
      const parent = stages.find((s) => s.name === base);
      if (parent) cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
      stage = {
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        base: base!,
        root,
        workdir: parent?.workdir ?? '/',
        env: { ...parent?.env },
        cmd: parent?.cmd,
        exposed: [],
      };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${where}: before any FROM`);
    switch (ins.keyword) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, ins.args);
        mkdirSync(path.join(stage.root, stage.workdir), { recursive: true });
        break;
      case 'ENV': {
        const parts = words(ins.args);
        if (parts.length >= 2 && !parts[0]!.includes('=')) stage.env[parts[0]!] = parts.slice(1).join(' ');
        else for (const part of parts) stage.env[part.slice(0, part.indexOf('='))] = part.slice(part.indexOf('=') + 1);
        break;
      }
      case 'COPY': {
        const parts = words(ins.args);
        const flags = Object.fromEntries(parts.filter((p) => p.startsWith('--')).map((p) => p.slice(2).split('=') as [string, string]));
        const paths = parts.filter((p) => !p.startsWith('--'));
        const dest = paths.pop()!;
        if (paths.length === 0) throw new Error(`${where}: COPY needs a source and a destination`);
        const fromStage = flags.from === undefined ? undefined : stages.find((s) => s.name === flags.from);
        if (flags.from !== undefined && !fromStage) throw new Error(`${where}: no stage named ${flags.from}`);
        const target = inStage(stage, dest);
        const intoDirectory = dest.endsWith('/') || paths.length > 1 || (existsSync(target) && statSync(target).isDirectory());
        for (const source of paths) {
          if (/[*?[]/.test(source)) throw new Error(`${where}: wildcards are not emulated`);
          const relative = path.posix.normalize(source).replace(/^\/+/, '');
          const from = fromStage ? path.join(fromStage.root, path.posix.resolve('/', source)) : path.join(options.context, relative);
          if (!fromStage && ignored(relative)) throw new Error(`${where}: ${source} is excluded by .dockerignore`);
          if (!existsSync(from)) throw new Error(`${where}: ${source} does not exist ${fromStage ? `in stage ${fromStage.name}` : 'in the build context'}`);
          const isDirectory = statSync(from).isDirectory();
          // Docker copies a directory's contents, and a file into a directory under its own name.
          const to = isDirectory || !intoDirectory ? target : path.join(target, path.basename(from));
          mkdirSync(isDirectory ? to : path.dirname(to), { recursive: true });
          cpSync(from, to, {
            recursive: true,
            verbatimSymlinks: true,
            filter: (file) => fromStage !== undefined || !ignored(path.relative(options.context, file).split(path.sep).join('/')),
          });
        }
        copies.push({ stage: stage.name ?? `#${stages.length - 1}`, from: flags.from ?? 'context', sources: paths, dest, line: ins.line });
        break;
      }
      case 'RUN': {
        const rule = options.run.find((r) => r.match.test(ins.args));
        if (!rule) throw new Error(`${where}: no emulation for this RUN line; add a rule with its reason`);
        rule.run({ stage, cwd: path.join(stage.root, stage.workdir), command: ins.args });
        runs.push({ command: ins.args, reason: rule.reason, line: ins.line });
        break;
      }
      case 'CMD':
        stage.cmd = execForm(ins.args);
        break;
      case 'EXPOSE':
        stage.exposed.push(...words(ins.args));
        break;
      case 'ARG':
      case 'LABEL':
      case 'USER':
        break;
      default:
        throw new Error(`${where}: ${ins.keyword} is not emulated`);
    }
  }
  if (!stage) throw new Error('the Dockerfile has no FROM');
  return { stages, image: stage, copies, runs };
}
