import { describe, expect, it } from 'vitest';
import type { Answer, Citation } from '../../src/core/answer.js';
import { MAX_BLOCKS, renderQuestionRoot, renderSlackAnswer, sourceLine } from './render-slack-answer.js';
import { markdownToMrkdwn, MAX_SECTION_CHARACTERS, splitMrkdwn } from './slack-mrkdwn.js';

const NOW = new Date('2026-06-01T00:00:00Z');

const citation = (n: number, overrides: Partial<Citation> = {}): Citation => ({
  n, title: 'HAProxy drain', path: 'runbooks/haproxy-drain.md', section: 'Drain a backend', collection: 'runbooks',
  updatedAt: '2026-03-01T00:00:00Z', snippet: '…', score: 1, ...overrides,
});

const answer = (overrides: Partial<Answer> = {}): Answer => ({
  id: 'a1', questionId: 'q1', outcome: 'answered', text: 'Drain it with `set server be/web1 state drain` [1].', citations: [citation(1)],
  scope: ['runbooks', 'standards'], provider: 'openai:gpt', cached: false, timings: { retrieveMs: 1, generateMs: 1, totalMs: 2 }, ...overrides,
});

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };
const sectionsOf = (blocks: unknown[]) => (blocks as Block[]).filter((block) => block.type === 'section').map((block) => block.text?.text ?? '');
const contextsOf = (blocks: unknown[]) => (blocks as Block[]).filter((block) => block.type === 'context').flatMap((block) => block.elements?.map((element) => element.text) ?? []);

/** A long answer: sentences with markers, a long code fence in the middle, more sentences. */
const longAnswer = (sentences: number) => {
  const prose = (count: number, offset: number) =>
    Array.from({ length: count }, (_, index) => `Step ${index + offset} drains backend web${index} before the maintenance window opens [${(index % 3) + 1}].`).join(' ');
  const code = ['```bash', ...Array.from({ length: 120 }, (_, index) => `echo "set server be_app/web${index} state drain" | socat stdio /run/haproxy/admin.sock`), '```'].join('\n');
  return `${prose(sentences, 0)}\n\n${code}\n\n${prose(sentences, sentences)}`;
};

describe('rendering an answer as Block Kit', () => {
  it('keeps every section under 3,000 characters, splitting between sentences and never inside a marker or a fence', () => {
    const text = longAnswer(120);
    const { blocks } = renderSlackAnswer(answer({ text, citations: [citation(1), citation(2), citation(3)] }), { now: NOW });
    const sections = sectionsOf(blocks);
    expect(text.length).toBeGreaterThan(20_000);
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(sections.length).toBeGreaterThan(6);
    for (const section of sections) {
      expect(section.length).toBeLessThanOrEqual(MAX_SECTION_CHARACTERS);
      expect(section.split('```').length % 2).toBe(1); // fences balanced within each section
      expect(section).not.toMatch(/\[\d*$|^\d*\]/); // no marker cut in two
    }
    const markers = (value: string) => value.match(/\[\d+\]/g)?.length ?? 0;
    expect(sections.reduce((sum, section) => sum + markers(section), 0)).toBe(markers(text));
    expect(sections.join('\n').replace(/```\n```\n?/g, '').match(/socat/g)).toHaveLength(120);
  });

  it('stops at 50 blocks with a note when an answer is longer than one message allows', () => {
    const { blocks, text } = renderSlackAnswer(answer({ text: longAnswer(2_500) }), { now: NOW });
    expect(blocks).toHaveLength(MAX_BLOCKS);
    expect(sectionsOf(blocks).at(-1)).toContain('too long for one Slack message');
    expect(sectionsOf(blocks).every((section) => section.length <= MAX_SECTION_CHARACTERS)).toBe(true);
    expect(contextsOf(blocks).at(-1)).toContain('Searched: `runbooks`, `standards`');
    expect(text.length).toBeLessThanOrEqual(3_000);
  });

  it('converts Markdown to mrkdwn and escapes what came from documents', () => {
    const converted = markdownToMrkdwn(
      '# Drain\n**Bold** and *italic*, ~~old~~, [the runbook](https://docs.example.com/run?a=1&b=2) and a <script> & `a<b>`\n- first\n* second\n```yaml\nkey: <value>\n```',
    );
    expect(converted).toBe(
      '*Drain*\n*Bold* and _italic_, ~old~, <https://docs.example.com/run?a=1&amp;b=2|the runbook> and a &lt;script&gt; &amp; `a&lt;b&gt;`\n• first\n• second\n```\nkey: &lt;value&gt;\n```',
    );
  });

  it('never lets a broadcast or user mention through, from the answer or a source', () => {
    const { blocks, text } = renderSlackAnswer(
      answer({ text: 'Tell <!channel> and <!here|here> and @everyone, ping <@U123>, <!subteam^S1|@netops> [1].', citations: [citation(1, { title: 'Announce <!everyone>', section: '@here first' })] }),
      { now: NOW },
    );
    const all = JSON.stringify({ blocks, text });
    expect(all).not.toMatch(/<!|<@|@(here|channel|everyone)\b/);
    expect(sectionsOf(blocks)[0]).toContain('Tell channel and here and everyone, ping a user');
  });

  it('lists sources as "[n] <url|title> › section · collection · updated …", the path when there is no URL', () => {
    expect(sourceLine(citation(1), NOW)).toBe('[1] *HAProxy drain* › Drain a backend · `runbooks/haproxy-drain.md` · runbooks · updated 3 months ago');
    expect(sourceLine(citation(2, { url: 'https://wiki.example.com/haproxy drain', anchor: 'drain-a-backend', title: 'A|B' }), NOW)).toBe(
      '[2] <https://wiki.example.com/haproxy%20drain#drain-a-backend|A¦B> › Drain a backend · runbooks · updated 3 months ago',
    );
    expect(sourceLine(citation(3, { url: 'javascript:alert(1)', section: 'HAProxy drain' }), NOW)).toBe(
      '[3] *HAProxy drain* · `runbooks/haproxy-drain.md` · runbooks · updated 3 months ago',
    );
  });

  it('says plainly when an answer is degraded, a no-answer or a refusal, and shows notices', () => {
    const search = renderSlackAnswer(answer({ outcome: 'degraded', degradedReason: 'search unavailable: timeout', provider: 'none', citations: [], text: 'Search is unavailable right now.' }));
    expect(contextsOf(search.blocks)[0]).toBe(':warning: *Degraded:* search is unavailable right now.');
    expect(search.text.startsWith('(degraded) ')).toBe(true);
    const extractive = renderSlackAnswer(answer({ outcome: 'degraded', degradedReason: 'openai unavailable: 500', provider: 'extractive:extractive-v1' }));
    expect(contextsOf(extractive.blocks)[0]).toContain('answered without the language model');

    const none = renderSlackAnswer(answer({ outcome: 'no-answer', text: "I couldn't find this in the documents available here.", citations: [], notices: ['I could not check your channel memberships.'] }));
    expect(sectionsOf(none.blocks)).toEqual(["I couldn't find this in the documents available here."]);
    expect(contextsOf(none.blocks)).toEqual([':information_source: I could not check your channel memberships.', expect.stringContaining('Searched: `runbooks`, `standards`')]);

    const refused = renderSlackAnswer(answer({ outcome: 'refused', refusal: 'external-channel', text: 'I do not answer in channels shared with other organizations.', citations: [], scope: [] }));
    expect(refused.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'I do not answer in channels shared with other organizations.' } }]);
    expect(refused.text).toBe('I do not answer in channels shared with other organizations.');
  });

  it('renders the /ask root with the asker mentioned and their words inert', () => {
    expect(renderQuestionRoot('U0ALICE', 'is <!here> a <b>thing</b>?').text).toBe('<@U0ALICE> asked: is here a &lt;b&gt;thing&lt;/b&gt;?');
  });

  it('splits at a hard limit without cutting a link in two', () => {
    const link = '<https://docs.example.com/a|the runbook with a long title>';
    const pieces = splitMrkdwn(`${'x'.repeat(90)} ${link} ${'y'.repeat(50)}`, 120);
    expect(pieces.every((piece) => piece.length <= 120)).toBe(true);
    expect(pieces.some((piece) => piece.includes(link))).toBe(true);
  });
});
