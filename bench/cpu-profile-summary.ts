/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`, which `npm run bench -- --cpu-prof` passes to
 * every scenario) and lists where the time went: self time per function and per area (a source
 * folder, a dependency, or V8's own buckets such as GC and idle time waiting on native work).
 *
 *   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type ProfileEntry = { name: string; selfMs: number; share: number };

/** `node_modules/@lancedb/lancedb/...` → `@lancedb/lancedb`; `/src/core/x.ts` → `src/core`. */
const areaOf = (url: string, functionName: string): string => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1] as string;
  const own = /\/((?:src|bench|eval)\/[^/]+(?:\/[^/]+)?)\/[^/]+$/.exec(url);
  if (own) return own[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  return url.split('/').slice(-2).join('/');
};

const top = (totals: Map<string, number>, all: number, count: number): ProfileEntry[] =>
  [...totals]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([name, micros]) => ({ name, selfMs: Math.round(micros / 100) / 10, share: Math.round((micros / all) * 1000) / 10 }));

export const summarizeProfile = (profile: CpuProfile, count = 15) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time before sample i; attributing it to sample i is the usual approximation.
    const micros = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').slice(-2).join('/');
    const name = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    all += micros;
  });
  return { totalMs: Math.round(all / 1000), functions: top(byFunction, all, count), areas: top(byArea, all, count) };
};

export const describeProfile = (summary: ReturnType<typeof summarizeProfile>): string =>
  [
    `total sampled: ${summary.totalMs} ms`,
    'by area (self time):',
    ...summary.areas.map((entry) => `  ${entry.share.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(1).padStart(8)} ms  ${entry.name}`),
    'by function (self time):',
    ...summary.functions.map((entry) => `  ${entry.share.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(1).padStart(8)} ms  ${entry.name}`),
  ].join('\n');

export const readProfile = async (path: string): Promise<CpuProfile> => JSON.parse(await readFile(path, 'utf8')) as CpuProfile;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, count] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    console.log(describeProfile(summarizeProfile(await readProfile(path), Number(count ?? 15))));
  }
}
