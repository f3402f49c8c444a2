import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnswerRecord, FeedbackStore } from '../../core/ports/feedback-store.js';
import { createMemoryFeedbackStore } from '../../providers/memory/memory-feedback-store.js';
import { escapeHtml, parseSince, runReportCommand, type ReportCommandOptions } from './report-command.js';

const now = new Date('2025-03-10T12:00:00.000Z');

const record = (answerId: string, overrides: Partial<AnswerRecord> = {}): AnswerRecord => ({
  answerId,
  tenantId: 'T1',
  platform: 'slack',
  channelId: 'C01NETOPS',
  outcome: 'answered',
  scope: ['runbooks'],
  sources: [{ collection: 'runbooks', path: 'runbooks/haproxy-drain.md', title: 'Draining a HAProxy backend', section: 'Steps' }],
  totalMs: 200,
  at: '2025-03-09T10:00:00.000Z',
  ...overrides,
});

const seededStore = async (): Promise<FeedbackStore> => {
  const store = createMemoryFeedbackStore();
  await store.recordAnswer(record('a1', { totalMs: 120 }));
  await store.recordAnswer(record('a2', {
    totalMs: 800,
    sources: [{ collection: 'security', path: 'security/secret-rotation.md', title: 'Secret rotation', section: 'Exceptions' }],
  }));
  await store.recordAnswer(record('a3', { outcome: 'no-answer', sources: [], totalMs: 60, questionText: 'how often do we test restoring the redis snapshots?' }));
  await store.recordAnswer(record('a4', { outcome: 'no-answer', sources: [], totalMs: 70 }));
  await store.recordAnswer(record('old', { at: '2025-02-01T00:00:00.000Z' }));
  const vote = (answerId: string, userId: string, sentiment: 'helpful' | 'not-helpful' | 'outdated' | 'missing', comment?: string) =>
    store.setVote({ answerId, userId, reaction: sentiment, sentiment, at: '2025-03-09T11:00:00.000Z', ...(comment ? { comment } : {}) });
  await vote('a1', 'U1', 'helpful');
  await vote('a1', 'U2', 'helpful');
  await vote('a1', 'U3', 'helpful');
  await vote('a1', 'U4', 'not-helpful');
  await vote('a2', 'U1', 'not-helpful', '<script>alert("x")</script> the exception process changed');
  await vote('a2', 'U2', 'outdated');
  await vote('old', 'U1', 'not-helpful');
  return store;
};

const run = async (store: FeedbackStore, options: ReportCommandOptions, config: { redisUrl?: string } = { redisUrl: 'redis://localhost:6379' }) => {
  let output = '';
  let status = '';
  const files = new Map<string, string>();
  const code = await runReportCommand({ feedback: store, config }, options, {
    now,
    write: (text) => { output += text; },
    status: (text) => { status += text; },
    writeFile: async (path, content) => { files.set(path, content); },
  });
  return { code, output, status, files };
};

describe('ragbot report', () => {
  it('prints the figures as text', async () => {
    const { code, output } = await run(await seededStore(), { since: '7d' });
    expect(code).toBe(0);
    expect(output).toContain('2025-03-03 12:00 UTC to 2025-03-10 12:00 UTC');
    expect(output).toContain('Answers: 4 (answered 2, no-answer 2)');
    expect(output).toContain('Votes: 6 on 2 answers: helpful 3, not helpful 2, outdated 1, missing 0');
    expect(output).toContain('Satisfaction: 60% (3 helpful of 5)');
    expect(output).toContain('p50 70 ms, p90 800 ms, p95 800 ms, p99 800 ms, max 800 ms');
    expect(output).toMatch(/runbooks\s+1\s+3\s+1\s+0\s+0\s+75%/);
    expect(output).toMatch(/security\s+1\s+0\s+1\s+1\s+0\s+0%/);
    // Worst first: a2 (1 not helpful, 0 helpful) before a1 (1 not helpful, 3 helpful).
    expect(output.indexOf('[answer a2')).toBeLessThan(output.indexOf('[answer a1'));
    expect(output).toContain('security/secret-rotation.md (security) "Secret rotation": 1 outdated vote on 1 answer; sections: Exceptions');
    expect(output).toContain('how often do we test restoring the redis snapshots?');
    expect(output).toContain('(question text not recorded)');
    expect(output).toContain('question text recorded for 1 of 2');
    expect(output).not.toContain('[answer old');
  });

  it('prints one JSON object', async () => {
    const { output } = await run(await seededStore(), { since: '6w', json: true });
    const report = JSON.parse(output);
    expect(report.totals).toMatchObject({ answers: 5, votes: 7, helpful: 3, notHelpful: 3 });
    expect(report.satisfactionByCollection.find((entry: { collection: string }) => entry.collection === 'runbooks')).toMatchObject({ satisfaction: 0.6 });
    expect(report.unanswered.total).toBe(2);
    expect(report).not.toHaveProperty('notice');
  });

  it('writes a self-contained HTML page with SVG charts and escaped record text', async () => {
    const { output, status, files } = await run(await seededStore(), { html: true, output: 'report.html' });
    expect(output).toBe('');
    expect(status).toContain('report written to report.html');
    const html = files.get('report.html') ?? '';
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; the exception process changed');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('how often do we test restoring the redis snapshots?');
  });

  it('writes the report to a file on disk', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-report-'));
    try {
      const file = join(directory, 'report.json');
      let status = '';
      await runReportCommand({ feedback: await seededStore() }, { json: true, output: file }, { now, status: (text) => { status += text; } });
      expect(JSON.parse(await readFile(file, 'utf8')).totals.answers).toBe(4);
      expect(status).toContain('report written to');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('explains an empty report: without REDIS_URL a fresh process has no history', async () => {
    const memory = await run(createMemoryFeedbackStore(), {}, {});
    expect(memory.output).toContain('Answers: 0');
    expect(memory.output).toMatch(/Without REDIS_URL.*has no history: set REDIS_URL/s);
    const json = JSON.parse((await run(createMemoryFeedbackStore(), { json: true }, {})).output);
    expect(json.notice).toMatch(/REDIS_URL/);
    const html = (await run(createMemoryFeedbackStore(), { html: true }, {})).output;
    expect(html).toContain('class="notice"');
    expect(html).toContain('No votes in this period.');

    const redis = await run(createMemoryFeedbackStore(), {});
    expect(redis.output).toContain('Widen --since');
    expect(redis.output).not.toContain('has no history');
  });

  it('refuses an unknown period and conflicting formats', async () => {
    const store = createMemoryFeedbackStore();
    await expect(run(store, { since: '7 days' })).rejects.toThrow(/--since "7 days" is not a period.*30m, 12h, 7d or 2w/);
    await expect(run(store, { since: '0d' })).rejects.toMatchObject({ code: 'input_invalid' });
    await expect(run(store, { json: true, html: true })).rejects.toThrow(/--json and --html/);
  });

  it('parses 30m, 12h, 7d and 2w', () => {
    expect(parseSince('30m', now).toISOString()).toBe('2025-03-10T11:30:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2025-03-03T12:00:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2025-02-24T12:00:00.000Z');
    for (const value of ['', '7', 'd', '-1d', '1y', '1.5h', '7dd']) expect(() => parseSince(value, now)).toThrow(/not a period/);
  });

  it('escapes every HTML metacharacter', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
