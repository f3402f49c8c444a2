import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

type Target = { refId: string; expr?: string; datasource?: { type?: string; uid?: string } };
type Panel = {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
};
type Dashboard = {
  __inputs: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string }; definition?: string }[] };
};

const dashboard = JSON.parse(readFileSync(new URL('./ragbot.json', import.meta.url), 'utf8')) as Dashboard;
const allPanels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queryPanels = allPanels.filter((panel) => panel.type !== 'row');

// PromQL words that are not metric names.
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan',
]);

/** The metric names a PromQL expression selects: identifiers outside label matchers, ranges and strings, not called like functions. */
const metricNamesIn = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !KEYWORDS.has(name.toLowerCase()));
  return [...new Set(names)];
};

const balanced = (expr: string) => {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const character of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(character)) stack.push(character);
    else if (character in pairs && stack.pop() !== pairs[character]) return false;
  }
  return stack.length === 0 && (expr.match(/"/g)?.length ?? 0) % 2 === 0;
};

const registeredNames = async () => {
  const { registry } = createMetrics();
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // A histogram is exposed as its _bucket, _sum and _count series.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
};

const expressions = () => [
  ...queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel ${panel.id} "${panel.title}" ${target.refId}`, expr: target.expr ?? '' }))),
  ...dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ where: `variable ${variable.name}`, expr: (typeof variable.query === 'string' ? variable.query : variable.query?.query ?? '').replace(/^label_values\((.*),\s*\w+\)$/, '$1') })),
];

describe('the Grafana dashboard', () => {
  it('is an importable dashboard with a Prometheus datasource input', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }));
    expect(queryPanels.length).toBeGreaterThanOrEqual(15);
    for (const panel of queryPanels) {
      expect(panel.datasource, `panel ${panel.title}`).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(panel.targets?.length, `panel ${panel.title}`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('queries only metric names that createMetrics() registers', async () => {
    const registered = await registeredNames();
    const unknown: string[] = [];
    for (const { where, expr } of expressions()) {
      expect(expr, where).not.toBe('');
      expect(balanced(expr), `${where}: unbalanced brackets or quotes in ${expr}`).toBe(true);
      const names = metricNamesIn(expr);
      expect(names.length, `${where} selects no metric`).toBeGreaterThan(0);
      for (const name of names) if (!registered.has(name)) unknown.push(`${where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('has a panel for every family of metrics', () => {
    const used = new Set(expressions().flatMap(({ expr }) => metricNamesIn(expr)));
    for (const name of [
      'ragbot_questions_total', 'ragbot_answer_duration_seconds_bucket', 'ragbot_feedback_total', 'ragbot_answer_cache_total',
      'ragbot_empty_results_total', 'ragbot_duplicate_events_total', 'ragbot_rate_limited_total', 'ragbot_delivery_failures_total',
      'ragbot_breaker_open', 'ragbot_retries_total', 'ragbot_dependency_failures_total', 'ragbot_llm_tokens_total',
      'ragbot_state_fallback', 'ragbot_reindex_runs_total', 'ragbot_reindex_chunks_total',
      'ragbot_process_resident_memory_bytes', 'ragbot_process_cpu_seconds_total',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('has unique panel ids and a layout inside the 24-column grid without overlaps', () => {
    const ids = allPanels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of allPanels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, `panel ${panel.title}`).toBeLessThanOrEqual(24);
      for (let column = x; column < x + w; column += 1) {
        for (let line = y; line < y + h; line += 1) {
          const cell = `${column},${line}`;
          expect(cells.has(cell), `panel ${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it('finds metric names in PromQL, and only those', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, stage) (rate(ragbot_answer_duration_seconds_bucket{stage="total",instance=~"$instance"}[$__rate_interval])))')).toEqual([
      'ragbot_answer_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('(sum(increase(a_total{x="or"}[$__range])) or vector(0)) / sum without (le) (b) * 60')).toEqual(['a_total', 'b']);
    expect(metricNamesIn('ragbot_breaker_open > bool 0 unless on (dependency) ragbot_typo_total')).toEqual(['ragbot_breaker_open', 'ragbot_typo_total']);
    expect(balanced('sum(rate(x[5m])')).toBe(false);
  });
});
