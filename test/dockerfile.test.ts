import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// No Docker engine (and no hadolint) here: this lints the Dockerfile against the rules the image relies on.
const root = new URL('..', import.meta.url).pathname;

type Instruction = { keyword: string; args: string; line: number };
type Stage = { image: string; name?: string; instructions: Instruction[] };

/** Instructions with continuation lines joined and comments dropped. */
const parseInstructions = (text: string): Instruction[] => {
  const instructions: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!buffer && (line === '' || line.startsWith('#'))) return;
    if (buffer && line.startsWith('#')) return;
    if (!buffer) start = index + 1;
    buffer += `${buffer ? ' ' : ''}${line.replace(/\\$/, '').trim()}`;
    if (line.endsWith('\\')) return;
    const match = /^(\S+)\s*(.*)$/.exec(buffer);
    if (match) instructions.push({ keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '', line: start });
    buffer = '';
  });
  return instructions;
};

const parseStages = (instructions: Instruction[]): Stage[] => {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.replace(/--platform=\S+\s*/, '').split(/\s+/);
      stages.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
};

/** COPY/ADD: flags, sources and destination, shell or JSON form. */
const parseCopy = (args: string) => {
  const words = args.trim().startsWith('[') ? [] : args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [flag = '', value = ''] = (words.shift() ?? '').slice(2).split('=');
    flags[flag] = value;
  }
  const paths = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : words;
  return { flags, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
};

/** .dockerignore semantics, enough for this repository: globs with * ** ?, "!" exceptions, the last match wins, a matched directory excludes its contents. */
const dockerignoreMatcher = (text: string) => {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\.?\//, '').replace(/\/$/, '');
      const source = pattern
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const clean = path.replace(/^\.?\//, '').replace(/\/$/, '');
    const prefixes = clean.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.negate;
    return excluded;
  };
};

type LintContext = { exists: (path: string) => boolean; ignored: (path: string) => boolean; sourceExists?: (path: string) => boolean };

const ROOT_USERS = new Set(['root', '0', '0:0', 'root:root']);

/** Every rule the image relies on; returns the problems, each with its line. */
const lintDockerfile = (text: string, context: LintContext): string[] => {
  const problems: string[] = [];
  const stages = parseStages(parseInstructions(text));
  if (stages.length === 0) return ['no FROM'];
  const stageNames = new Set<string>();
  stages.forEach((stage, index) => {
    // Base images: a tag (not latest) or a digest, or an earlier stage.
    if (!stageNames.has(stage.image)) {
      const pinned = /@sha256:[0-9a-f]{64}$/.test(stage.image) || /^[^@]+:(?!latest$)[\w][\w.-]*$/.test(stage.image.replace(/^[^/]+\.[^/]+\//, ''));
      if (!pinned) problems.push(`stage ${index + 1}: base image ${stage.image} is not pinned to a tag`);
    }
    const workdirs = stage.instructions.filter((instruction) => instruction.keyword === 'WORKDIR').map((instruction) => instruction.args);
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'RUN' && /\bnpm\s+(?:install|i|add)\b/.test(instruction.args)) {
        problems.push(`line ${instruction.line}: use npm ci (the lockfile), not npm install`);
      }
      if (instruction.keyword === 'ADD') problems.push(`line ${instruction.line}: use COPY, not ADD`);
      if (instruction.keyword !== 'COPY') continue;
      const { flags, sources } = parseCopy(instruction.args);
      for (const source of sources) {
        if (flags.from !== undefined) {
          if (!stageNames.has(flags.from)) problems.push(`line ${instruction.line}: COPY --from=${flags.from} is not an earlier stage`);
          continue;
        }
        if (/(^|\/)\.ragbot(\/|$)/.test(source)) problems.push(`line ${instruction.line}: copies local state (${source})`);
        if (source === '.' || source === './') problems.push(`line ${instruction.line}: copies the whole build context`);
        else if (!context.exists(source)) problems.push(`line ${instruction.line}: COPY source ${source} does not exist in the repository`);
        else if (context.ignored(source)) problems.push(`line ${instruction.line}: COPY source ${source} is excluded by .dockerignore`);
        if (/(^|\/)node_modules(\/|$)/.test(source)) problems.push(`line ${instruction.line}: copies node_modules from the build context`);
      }
    }
    if (workdirs.length === 0 && index === stages.length - 1) problems.push('final stage: no WORKDIR');
    if (stage.name) stageNames.add(stage.name);
  });

  const final = stages.at(-1) as Stage;
  const finalInstructions = final.instructions;
  const keywords = finalInstructions.map((instruction) => instruction.keyword);
  const lastUser = finalInstructions.filter((instruction) => instruction.keyword === 'USER').at(-1);
  if (!lastUser) problems.push('final stage: no USER (the service would run as root)');
  else if (ROOT_USERS.has(lastUser.args.trim())) problems.push(`final stage: USER ${lastUser.args} is root`);
  const healthcheck = finalInstructions.find((instruction) => instruction.keyword === 'HEALTHCHECK');
  if (!healthcheck || /^NONE$/i.test(healthcheck.args.trim())) problems.push('final stage: no HEALTHCHECK');
  else if (/\b(curl|wget)\b/.test(healthcheck.args)) problems.push('final stage: HEALTHCHECK uses curl or wget, which slim images lack');
  if (!keywords.includes('EXPOSE')) problems.push('final stage: no EXPOSE');
  if (!keywords.includes('CMD') && !keywords.includes('ENTRYPOINT')) problems.push('final stage: no CMD');
  if (finalInstructions.some((instruction) => instruction.keyword === 'RUN' && /\bnpm\s+ci\b/.test(instruction.args) && !/--omit[= ]dev/.test(instruction.args))) {
    problems.push('final stage: installs dev dependencies');
  }

  // node_modules copied from a stage must come from one that removed the dev dependencies after installing them.
  for (const instruction of finalInstructions.filter((candidate) => candidate.keyword === 'COPY')) {
    const { flags, sources } = parseCopy(instruction.args);
    if (flags.from === undefined || !sources.some((source) => /(^|\/)node_modules\/?$/.test(source))) continue;
    const from = stages.find((stage) => stage.name === flags.from);
    const runs = (from?.instructions ?? []).filter((candidate) => candidate.keyword === 'RUN').map((candidate) => candidate.args);
    const install = runs.findIndex((run) => /\bnpm\s+ci\b/.test(run));
    const pruned = runs.findIndex((run, index) => index >= install && (/\bnpm\s+prune\b[^&;]*--omit[= ]dev/.test(run) || /\bnpm\s+ci\b[^&;]*--omit[= ]dev/.test(run)));
    if (install === -1 || pruned === -1) problems.push(`line ${instruction.line}: node_modules from stage ${flags.from} still holds the dev dependencies`);
  }
  if (!stages.some((stage) => stage.instructions.some((instruction) => instruction.keyword === 'RUN' && /\bnpm\s+ci\b/.test(instruction.args)))) {
    problems.push('no stage installs with npm ci');
  }
  return problems;
};

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
const ignored = dockerignoreMatcher(dockerignore);
const context: LintContext = { exists: (path) => existsSync(join(root, path)), ignored };
const stages = parseStages(parseInstructions(dockerfile));
const final = stages.at(-1) as Stage;
const argsOf = (keyword: string) => final.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);

describe('the Dockerfile', () => {
  it('passes the lint', () => {
    expect(lintDockerfile(dockerfile, context)).toEqual([]);
  });

  it('builds on node 20 slim in two stages and runs the compiled CLI as node', () => {
    expect(stages.map((stage) => stage.image)).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    const build = stages[0] as Stage;
    const runs = build.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args).join('\n');
    expect(runs).toMatch(/npm ci/);
    expect(runs).toMatch(/npm run build/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    expect(argsOf('USER')).toEqual(['node']);
    const command = JSON.parse(argsOf('CMD')[0] ?? '[]') as string[];
    expect(command).toEqual(['node', 'dist/src/entry/cli.js', 'serve']);
    // The compiled entry point comes from src/entry/cli.ts, the package's bin.
    expect(existsSync(join(root, 'src/entry/cli.ts'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.ragbot).toBe(command[1]);
  });

  it('ships dist, production node_modules, package.json and the examples, and nothing else', () => {
    const copies = final.instructions.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => parseCopy(instruction.args));
    expect(copies.flatMap((copy) => copy.sources).sort()).toEqual(['/app/dist', '/app/node_modules', '/app/package.json', 'examples']);
    expect(existsSync(join(root, 'examples/docs'))).toBe(true);
    expect(existsSync(join(root, 'examples/policy.yaml'))).toBe(true);
    expect(existsSync(join(root, 'examples/membership.yaml'))).toBe(true);
  });

  it('sets the production environment, a /data volume owned by node, the port and a fetch health check', () => {
    const environment = argsOf('ENV').join(' ');
    expect(environment).toMatch(/\bNODE_ENV=production\b/);
    expect(environment).toMatch(/\bPORT=3000\b/);
    expect(environment).toMatch(/\bRAGBOT_DATA_DIR=\/data\b/);
    expect(argsOf('EXPOSE')).toEqual(['3000']);
    expect(argsOf('VOLUME').join(' ')).toContain('/data');
    const order = final.instructions.map((instruction) => `${instruction.keyword} ${instruction.args}`);
    const chown = order.findIndex((entry) => /^RUN .*chown node(:node)? \/data/.test(entry));
    expect(chown).toBeGreaterThan(-1);
    // Changes to a volume's path after VOLUME are discarded; the service user is set after both.
    expect(chown).toBeLessThan(order.findIndex((entry) => entry.startsWith('VOLUME')));
    expect(order.findIndex((entry) => entry.startsWith('VOLUME'))).toBeLessThan(order.findIndex((entry) => entry.startsWith('USER')));
    expect(argsOf('HEALTHCHECK')[0]).toMatch(/fetch\(.*\/healthz/);
  });

  it('.dockerignore keeps dependencies, builds, local state and secrets out of the context', () => {
    for (const path of ['node_modules', 'node_modules/zod/package.json', 'adapters/web/node_modules', 'dist', '.ragbot', '.ragbot/audit.jsonl', '.git', '.env', 'coverage', 'src/core/chunk.test.ts']) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of ['src/entry/cli.ts', 'adapters/web/index.ts', 'examples/docs', 'package.json', 'package-lock.json', 'tsconfig.build.json']) {
      expect(ignored(path), path).toBe(false);
    }
  });

  it('the lint finds the problems it is meant to find', () => {
    const bad = [
      'FROM node:latest',
      'WORKDIR /app',
      'COPY . .',
      'COPY .ragbot /data',
      'COPY missing-file.txt ./',
      'COPY node_modules ./node_modules',
      'RUN npm install && npm run build',
      'HEALTHCHECK CMD curl -f http://localhost:3000/healthz',
      'CMD ["node", "dist/src/entry/cli.js", "serve"]',
    ].join('\n');
    const problems = lintDockerfile(bad, context);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/node:latest is not pinned/),
      expect.stringMatching(/copies the whole build context/),
      expect.stringMatching(/copies local state/),
      expect.stringMatching(/missing-file.txt does not exist/),
      expect.stringMatching(/copies node_modules from the build context/),
      expect.stringMatching(/use npm ci/),
      expect.stringMatching(/no USER/),
      expect.stringMatching(/curl or wget/),
      expect.stringMatching(/no EXPOSE/),
      expect.stringMatching(/no stage installs with npm ci/),
    ]));

    const unpruned = [
      'FROM node:20-bookworm-slim AS build', 'WORKDIR /app', 'COPY package.json package-lock.json ./', 'RUN npm ci',
      'FROM node:20-bookworm-slim', 'WORKDIR /app', 'COPY --from=build /app/node_modules ./node_modules', 'COPY --from=nowhere /x /x',
      'USER root', 'EXPOSE 3000', 'HEALTHCHECK NONE', 'CMD ["node"]',
    ].join('\n');
    expect(lintDockerfile(unpruned, context)).toEqual(expect.arrayContaining([
      expect.stringMatching(/still holds the dev dependencies/),
      expect.stringMatching(/--from=nowhere is not an earlier stage/),
      expect.stringMatching(/USER root is root/),
      expect.stringMatching(/no HEALTHCHECK/),
    ]));
    expect(lintDockerfile('FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY .gitignore ./\nUSER node\nEXPOSE 3000\nHEALTHCHECK CMD ["node", "-e", "1"]\nCMD ["node"]', context)).toEqual([
      'line 3: COPY source .gitignore is excluded by .dockerignore',
      'no stage installs with npm ci',
    ]);
  });
});
