/**
 * The soak's chart: memory and latency over time, drawn as an SVG and rendered to PNG by headless
 * Chromium (playwright-core, a dev dependency, with the system's /usr/bin/chromium; no network).
 */
import { writeFile } from 'node:fs/promises';

export type SoakSample = {
  elapsedSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  answerP50Ms: number;
  answerP95Ms: number;
  ackP95Ms: number;
  questions: number;
  answered: number;
  reactions: number;
  reindexes: number;
  errors: number;
};

type Series = { label: string; color: string; values: [number, number][] };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" step for about `count` ticks over `max`. */
const niceStep = (max: number, count: number) => {
  const raw = Math.max(max, 1) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
};

const panel = (options: { x: number; y: number; width: number; height: number; title: string; unit: string; series: Series[]; maxX: number }) => {
  const { x, y, width, height, title, unit, series, maxX } = options;
  const maxY = Math.max(1, ...series.flatMap((line) => line.values.map(([, value]) => value))) * 1.1;
  const yStep = niceStep(maxY, 5);
  const top = Math.ceil(maxY / yStep) * yStep;
  const xStep = maxX >= 120 ? niceStep(maxX / 60, 10) * 60 : niceStep(maxX, 10);
  const px = (value: number) => x + (value / Math.max(maxX, 1)) * width;
  const py = (value: number) => y + height - (value / top) * height;
  const parts: string[] = [`<text x="${x}" y="${y - 12}" font-size="15" font-weight="600">${escapeXml(title)}</text>`];
  for (let tick = 0; tick <= top + 1e-9; tick += yStep) {
    parts.push(`<line x1="${x}" x2="${x + width}" y1="${py(tick)}" y2="${py(tick)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x - 8}" y="${py(tick) + 4}" font-size="11" text-anchor="end" fill="#555">${Number(tick.toFixed(2))}</text>`);
  }
  for (let tick = 0; tick <= maxX + 1e-9; tick += xStep) {
    parts.push(`<line x1="${px(tick)}" x2="${px(tick)}" y1="${y + height}" y2="${y + height + 4}" stroke="#555"/>`);
    const label = maxX >= 120 ? `${Math.round(tick / 60)} min` : `${Math.round(tick)} s`;
    parts.push(`<text x="${px(tick)}" y="${y + height + 17}" font-size="11" text-anchor="middle" fill="#555">${label}</text>`);
  }
  parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${x - 44}" y="${y + height / 2}" font-size="12" fill="#555" transform="rotate(-90 ${x - 44} ${y + height / 2})" text-anchor="middle">${escapeXml(unit)}</text>`);
  series.forEach((line, index) => {
    const points = line.values.map(([elapsed, value]) => `${px(elapsed).toFixed(1)},${py(value).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="2"/>`);
    const legendX = x + 10 + index * 250;
    parts.push(`<line x1="${legendX}" x2="${legendX + 22}" y1="${y + 14}" y2="${y + 14}" stroke="${line.color}" stroke-width="3"/>`);
    parts.push(`<text x="${legendX + 28}" y="${y + 18}" font-size="12">${escapeXml(line.label)}</text>`);
  });
  return parts.join('\n');
};

export const CHART_WIDTH = 1100;
export const CHART_HEIGHT = 1040;

/** Three panels over time: memory, answer latency, acknowledgement latency; `heading` is one or two lines. */
export const soakChartSvg = (samples: SoakSample[], heading: string[]): string => {
  const maxX = Math.max(10, ...samples.map((sample) => sample.elapsedSeconds));
  const at = (pick: (sample: SoakSample) => number): [number, number][] => samples.map((sample) => [sample.elapsedSeconds, pick(sample)]);
  const common = { x: 80, width: 980, height: 230, maxX };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="white"/>`,
    ...heading.map((line, index) => `<text x="80" y="${32 + index * 22}" font-size="${index === 0 ? 18 : 14}" font-weight="${index === 0 ? 700 : 400}">${escapeXml(line)}</text>`),
    panel({
      ...common, y: 110, title: 'Memory of the ragbot serve process (from /metrics, every 10 s)', unit: 'MB',
      series: [
        { label: 'RSS', color: '#1f77b4', values: at((sample) => sample.rssMb) },
        { label: 'V8 heap used', color: '#2ca02c', values: at((sample) => sample.heapUsedMb) },
      ],
    }),
    panel({
      ...common, y: 420, title: 'Answer latency per 10 s window (event sent → answer posted; the model takes 250 ms)', unit: 'ms',
      series: [
        { label: 'p95', color: '#d62728', values: at((sample) => sample.answerP95Ms) },
        { label: 'p50', color: '#ff9896', values: at((sample) => sample.answerP50Ms) },
      ],
    }),
    panel({
      ...common, y: 730, title: 'Acknowledgement latency per 10 s window (HTTP response to Slack and Teams)', unit: 'ms',
      series: [{ label: 'p95', color: '#9467bd', values: at((sample) => sample.ackP95Ms) }],
    }),
    '</svg>',
  ].join('\n');
};

/** Renders the SVG to a PNG file with headless Chromium. */
export const writeSoakChart = async (file: string, svg: string, options: { executablePath?: string } = {}): Promise<void> => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: options.executablePath ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: CHART_WIDTH, height: CHART_HEIGHT } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await writeFile(file, await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: CHART_WIDTH, height: CHART_HEIGHT } }));
  } finally {
    await browser.close();
  }
};

export const soakCsv = (samples: SoakSample[]): string =>
  [
    'elapsed_s,rss_mb,heap_used_mb,answer_p50_ms,answer_p95_ms,ack_p95_ms,questions,answered,reactions,reindexes,errors',
    ...samples.map((sample) =>
      [
        sample.elapsedSeconds, sample.rssMb.toFixed(1), sample.heapUsedMb.toFixed(1), sample.answerP50Ms.toFixed(0), sample.answerP95Ms.toFixed(0),
        sample.ackP95Ms.toFixed(1), sample.questions, sample.answered, sample.reactions, sample.reindexes, sample.errors,
      ].join(','),
    ),
  ].join('\n') + '\n';
