import { describe, expect, it } from 'vitest';
import type { Sentiment } from '../feedback.js';
import type { AnswerRecord, Vote } from '../ports/feedback-store.js';
import { buildFeedbackReport, percentile } from './feedback-report.js';

const now = new Date('2025-03-10T12:00:00.000Z');
const since = new Date('2025-03-03T12:00:00.000Z');

const source = (collection: string, path: string, section = 'Steps') => ({ collection, path, title: path.split('/').at(-1) ?? path, section });

const answer = (id: string, overrides: Partial<AnswerRecord> = {}): AnswerRecord => ({
  answerId: id,
  tenantId: 'T1',
  platform: 'slack',
  channelId: 'C1',
  outcome: 'answered',
  scope: ['runbooks', 'faq'],
  sources: [source('runbooks', 'runbooks/haproxy-drain.md')],
  totalMs: 100,
  at: '2025-03-09T10:00:00.000Z',
  ...overrides,
});

let userCounter = 0;
const vote = (answerId: string, sentiment: Sentiment, comment?: string, at = '2025-03-09T11:00:00.000Z'): Vote => ({
  answerId, userId: `U${++userCounter}`, reaction: sentiment, sentiment, at, ...(comment ? { comment } : {}),
});

const votesOf = (...votes: Vote[]) => {
  const map = new Map<string, Vote[]>();
  for (const entry of votes) map.set(entry.answerId, [...(map.get(entry.answerId) ?? []), entry]);
  return map;
};

describe('buildFeedbackReport', () => {
  it('counts votes by collection with a satisfaction ratio of helpful / (helpful + not-helpful)', () => {
    const answers = [
      answer('a1'),
      answer('a2', { sources: [source('runbooks', 'runbooks/redis.md'), source('faq', 'faq/vpn.md'), source('faq', 'faq/sso.md')] }),
      answer('a3', { sources: [source('security', 'security/rotation.md')] }),
      answer('a4', { outcome: 'no-answer', sources: [] }),
    ];
    const votes = votesOf(
      vote('a1', 'helpful'), vote('a1', 'helpful'), vote('a1', 'not-helpful'),
      vote('a2', 'helpful'), vote('a2', 'outdated'),
      vote('a3', 'missing'),
      vote('a4', 'missing'),
    );
    const report = buildFeedbackReport({ answers, votesByAnswer: votes, since, now });

    const byCollection = Object.fromEntries(report.satisfactionByCollection.map((entry) => [entry.collection, entry]));
    expect(byCollection.runbooks).toMatchObject({ answers: 2, helpful: 3, notHelpful: 1, outdated: 1, missing: 0, votes: 5, satisfaction: 0.75 });
    // a2 cites two faq documents but its votes count once for faq.
    expect(byCollection.faq).toMatchObject({ answers: 1, helpful: 1, notHelpful: 0, outdated: 1, satisfaction: 1 });
    expect(byCollection.security).toMatchObject({ missing: 1, satisfaction: null });
    expect(byCollection.none).toMatchObject({ answers: 1, missing: 1, satisfaction: null });
    expect(report.satisfactionByCollection[0]?.collection).toBe('runbooks');

    expect(report.totals).toMatchObject({ answers: 4, answersWithVotes: 4, helpful: 3, notHelpful: 1, outdated: 1, missing: 2, votes: 7, satisfaction: 0.75 });
    expect(report.period).toEqual({ since: since.toISOString(), until: now.toISOString() });
  });

  it('lists the worst-rated answers, most not-helpful votes first, with their sources and comments', () => {
    const answers = [
      answer('ok'),
      answer('bad', { sources: [source('faq', 'faq/vpn.md', 'Linux')], questionText: 'how do I connect to the vpn on linux?' }),
      answer('worse', { sources: [source('runbooks', 'runbooks/failover.md')] }),
    ];
    const votes = votesOf(
      vote('ok', 'helpful'),
      vote('bad', 'not-helpful', 'the steps are for macOS', '2025-03-09T12:00:00.000Z'),
      vote('worse', 'not-helpful', 'wrong region'), vote('worse', 'not-helpful'), vote('worse', 'helpful'),
    );
    const report = buildFeedbackReport({ answers, votesByAnswer: votes, since, now });
    expect(report.worstRated.map((entry) => entry.answerId)).toEqual(['worse', 'bad']);
    expect(report.worstRated[0]).toMatchObject({
      votes: { helpful: 1, notHelpful: 2, outdated: 0, missing: 0 },
      sources: [{ collection: 'runbooks', path: 'runbooks/failover.md' }],
      comments: [{ sentiment: 'not-helpful', comment: 'wrong region' }],
    });
    expect(report.worstRated[0]).not.toHaveProperty('questionText');
    expect(report.worstRated[1]).toMatchObject({ questionText: 'how do I connect to the vpn on linux?', comments: [{ comment: 'the steps are for macOS' }] });
  });

  it('names the answers voted outdated and the documents they cited, most votes first', () => {
    const answers = [
      answer('o1', { sources: [source('runbooks', 'runbooks/redis.md', 'Backup'), source('runbooks', 'runbooks/redis.md', 'Restore')] }),
      answer('o2', { sources: [source('runbooks', 'runbooks/redis.md', 'Backup'), source('faq', 'faq/vpn.md')] }),
      answer('fresh'),
    ];
    const votes = votesOf(vote('o1', 'outdated', 'we moved to v7'), vote('o1', 'outdated'), vote('o2', 'outdated'), vote('fresh', 'helpful'));
    const report = buildFeedbackReport({ answers, votesByAnswer: votes, since, now });
    expect(report.outdated.answers.map((entry) => entry.answerId)).toEqual(['o1', 'o2']);
    expect(report.outdated.answers[0]?.comments).toEqual([expect.objectContaining({ comment: 'we moved to v7', sentiment: 'outdated' })]);
    expect(report.outdated.documents).toEqual([
      { collection: 'runbooks', path: 'runbooks/redis.md', title: 'redis.md', sections: ['Backup', 'Restore'], outdatedVotes: 3, answers: 2 },
      { collection: 'faq', path: 'faq/vpn.md', title: 'vpn.md', sections: ['Steps'], outdatedVotes: 1, answers: 1 },
    ]);
  });

  it('lists unanswered questions newest first, with their text only when it was recorded', () => {
    const answers = [
      answer('n1', { outcome: 'no-answer', sources: [], at: '2025-03-08T10:00:00.000Z' }),
      answer('n2', { outcome: 'no-answer', sources: [], at: '2025-03-09T10:00:00.000Z', questionText: 'how often do we test restores?' }),
      answer('y1'),
      answer('r1', { outcome: 'refused' }),
    ];
    const report = buildFeedbackReport({ answers, votesByAnswer: new Map(), since, now });
    expect(report.unanswered.total).toBe(2);
    expect(report.unanswered.questionTextRecorded).toBe(1);
    expect(report.unanswered.questions).toEqual([
      { answerId: 'n2', at: '2025-03-09T10:00:00.000Z', platform: 'slack', channelId: 'C1', scope: ['runbooks', 'faq'], questionText: 'how often do we test restores?' },
      { answerId: 'n1', at: '2025-03-08T10:00:00.000Z', platform: 'slack', channelId: 'C1', scope: ['runbooks', 'faq'] },
    ]);
    expect(report.outcomes).toEqual([
      { outcome: 'no-answer', count: 2 },
      { outcome: 'answered', count: 1 },
      { outcome: 'refused', count: 1 },
    ]);
    expect(report.totals).toMatchObject({ answers: 4, votes: 0, answersWithVotes: 0, satisfaction: null });
  });

  it('computes nearest-rank latency percentiles and a histogram on the metric buckets', () => {
    const answers = Array.from({ length: 100 }, (_, index) => answer(`l${index}`, { totalMs: (index + 1) * 10 }));
    const report = buildFeedbackReport({ answers, votesByAnswer: new Map(), since, now });
    expect(report.latency).toMatchObject({ count: 100, p50: 500, p90: 900, p95: 950, p99: 990, max: 1000 });
    const histogram = Object.fromEntries(report.latency.histogram.map((bucket) => [String(bucket.upToMs), bucket.count]));
    expect(histogram).toMatchObject({ 10: 1, 25: 1, 50: 3, 100: 5, 250: 15, 500: 25, 1000: 50, 2000: 0, null: 0 });
    expect(report.latency.histogram.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(100);

    const slow = buildFeedbackReport({ answers: [answer('s', { totalMs: 45_000 })], votesByAnswer: new Map(), since, now });
    expect(slow.latency).toMatchObject({ count: 1, p50: 45_000, p99: 45_000 });
    expect(slow.latency.histogram.at(-1)).toEqual({ upToMs: null, count: 1 });
  });

  it('keeps only the answers inside the period and caps the lists', () => {
    const answers = [
      answer('old', { at: '2025-03-01T00:00:00.000Z', outcome: 'no-answer' }),
      answer('future', { at: '2025-03-11T00:00:00.000Z' }),
      ...Array.from({ length: 5 }, (_, index) => answer(`b${index}`)),
    ];
    const votes = votesOf(vote('old', 'not-helpful'), ...Array.from({ length: 5 }, (_, index) => vote(`b${index}`, 'not-helpful')));
    const report = buildFeedbackReport({ answers, votesByAnswer: votes, since, now, limit: 3 });
    expect(report.totals.answers).toBe(5);
    expect(report.unanswered.total).toBe(0);
    expect(report.worstRated).toHaveLength(3);
    expect(report.worstRated.map((entry) => entry.answerId)).not.toContain('old');
  });

  it('reports an empty period without figures', () => {
    const report = buildFeedbackReport({ answers: [], votesByAnswer: new Map(), since, now });
    expect(report.totals).toMatchObject({ answers: 0, votes: 0, satisfaction: null });
    expect(report.latency).toMatchObject({ count: 0, p50: null, p90: null, p95: null, p99: null, max: null });
    expect(report.satisfactionByCollection).toEqual([]);
    expect(report.outcomes).toEqual([]);
  });

  it('percentile picks the nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.51)).toBe(3);
    expect(percentile([1, 2, 3, 4], 1)).toBe(4);
  });
});
