/**
 * Prints the Markdown tables of a saved results file (bench/results.json or results-full.json),
 * as `npm run bench` printed them: the tables in bench/README.md are pasted from this.
 *
 *   npx tsx bench/print-results.ts bench/results.json
 */
import { readFile } from 'node:fs/promises';
import { SCENARIOS } from './bench-plan.js';
import { figuresOf, markdownTable, type ScenarioRun } from './bench-report.js';
import { sectionReports } from './section-report.js';

type SavedScenario = { id: string; wallSeconds: number; loadAverageBefore: number; result: Record<string, unknown> };
type Saved = { date: string; mode: string; commit: string; machine: Record<string, unknown>; totalSeconds: number; loadAverage?: { min: number; max: number }; scenarios: SavedScenario[] };

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: npx tsx bench/print-results.ts <results.json>\n');
  process.exitCode = 2;
} else {
  const saved = JSON.parse(await readFile(path, 'utf8')) as Saved;
  const byId = new Map(SCENARIOS.map((scenario) => [scenario.id, scenario]));
  const runs: ScenarioRun[] = saved.scenarios.flatMap((entry) => {
    const scenario = byId.get(entry.id);
    return scenario ? [{ scenario, wallSeconds: entry.wallSeconds, loadAverage: entry.loadAverageBefore, result: entry.result }] : [];
  });
  const machine = saved.machine;
  console.log(
    `${saved.mode} run, ${saved.date}, commit ${saved.commit}, ${saved.totalSeconds} s; ${String(machine.cpuModel)}, ${String(machine.cores)} cores, ` +
      `${String(machine.totalMemoryGb)} GB, Node ${String(machine.nodeVersion)}, ${String(machine.platform)}` +
      (saved.loadAverage ? `; load average ${saved.loadAverage.min}–${saved.loadAverage.max} before the children` : ''),
  );
  console.log(`\n${markdownTable(figuresOf(runs))}\n\n${sectionReports(runs).markdown}`);
}
