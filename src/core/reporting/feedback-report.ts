import type { Sentiment } from '../feedback.js';
import type { AnswerRecord, Vote } from '../ports/feedback-store.js';

export type FeedbackReportInput = {
  answers: AnswerRecord[];
  votesByAnswer: ReadonlyMap<string, Vote[]>;
  since: Date;
  now: Date;
  /** How many answers the worst-rated, outdated and unanswered lists keep (default 20). */
  limit?: number;
};

export type SentimentCounts = { helpful: number; notHelpful: number; outdated: number; missing: number };

/** helpful / (helpful + not-helpful); null when nobody voted either way. */
export type Satisfaction = SentimentCounts & { votes: number; satisfaction: number | null };

export type CollectionSatisfaction = Satisfaction & { collection: string; answers: number };

export type ReportSource = AnswerRecord['sources'][number];

export type VoteComment = { sentiment: Sentiment; comment: string; at: string };

export type RatedAnswer = {
  answerId: string;
  at: string;
  platform: string;
  channelId: string;
  outcome: string;
  /** Present only when question text recording was enabled (RAGBOT_LOG_QUESTIONS). */
  questionText?: string;
  sources: ReportSource[];
  votes: SentimentCounts;
  comments: VoteComment[];
};

/** A document cited by answers voted outdated: the one to update. */
export type OutdatedDocument = { collection: string; path: string; title: string; sections: string[]; outdatedVotes: number; answers: number };

export type UnansweredQuestion = { answerId: string; at: string; platform: string; channelId: string; scope: string[]; questionText?: string };

/** Upper bounds in milliseconds, the buckets of ragbot_answer_duration_seconds; the last bucket is unbounded. */
export const LATENCY_BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, 30_000] as const;

export type LatencySummary = {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Answers per bucket (not cumulative); `upToMs` null is the bucket above the last bound. */
  histogram: { upToMs: number | null; count: number }[];
};

export type FeedbackReport = {
  period: { since: string; until: string };
  totals: Satisfaction & { answers: number; answersWithVotes: number };
  /** Answers per outcome (answered, no-answer, refused, degraded…), most frequent first. */
  outcomes: { outcome: string; count: number }[];
  latency: LatencySummary;
  /** Votes are counted once for each distinct collection an answer cited ("none" when it cited nothing). */
  satisfactionByCollection: CollectionSatisfaction[];
  worstRated: RatedAnswer[];
  outdated: { answers: RatedAnswer[]; documents: OutdatedDocument[] };
  unanswered: { total: number; questionTextRecorded: number; questions: UnansweredQuestion[] };
};

const NO_COLLECTION = 'none';

const emptyCounts = (): SentimentCounts => ({ helpful: 0, notHelpful: 0, outdated: 0, missing: 0 });

const COUNT_KEY: Record<Sentiment, keyof SentimentCounts> = {
  helpful: 'helpful', 'not-helpful': 'notHelpful', outdated: 'outdated', missing: 'missing',
};

const add = (counts: SentimentCounts, sentiment: Sentiment, amount = 1) => {
  const key = COUNT_KEY[sentiment];
  if (key) counts[key] += amount;
};

const satisfactionOf = (counts: SentimentCounts): Satisfaction => {
  const rated = counts.helpful + counts.notHelpful;
  return {
    ...counts,
    votes: counts.helpful + counts.notHelpful + counts.outdated + counts.missing,
    satisfaction: rated === 0 ? null : counts.helpful / rated,
  };
};

/** Nearest-rank percentile of sorted values: the smallest value with at least q of the values at or below it. */
export const percentile = (sorted: readonly number[], q: number): number | null => {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
};

const summarizeLatency = (answers: AnswerRecord[]): LatencySummary => {
  const values = answers.map((answer) => answer.totalMs).filter((value) => Number.isFinite(value)).sort((left, right) => left - right);
  const histogram: LatencySummary['histogram'] = [...LATENCY_BUCKETS_MS, null].map((upToMs) => ({ upToMs, count: 0 }));
  for (const value of values) {
    const index = LATENCY_BUCKETS_MS.findIndex((bound) => value <= bound);
    const bucket = histogram[index === -1 ? histogram.length - 1 : index];
    if (bucket) bucket.count += 1;
  }
  return {
    count: values.length,
    p50: percentile(values, 0.5),
    p90: percentile(values, 0.9),
    p95: percentile(values, 0.95),
    p99: percentile(values, 0.99),
    max: values.at(-1) ?? null,
    histogram,
  };
};

const collectionsOf = (answer: AnswerRecord): string[] => {
  const collections = [...new Set(answer.sources.map((source) => source.collection))];
  return collections.length > 0 ? collections : [NO_COLLECTION];
};

const ratedAnswer = (answer: AnswerRecord, votes: Vote[], counts: SentimentCounts): RatedAnswer => ({
  answerId: answer.answerId,
  at: answer.at,
  platform: answer.platform,
  channelId: answer.channelId,
  outcome: answer.outcome,
  ...(answer.questionText !== undefined ? { questionText: answer.questionText } : {}),
  sources: answer.sources.map((source) => ({ ...source })),
  votes: { ...counts },
  comments: votes
    .filter((vote) => typeof vote.comment === 'string' && vote.comment.trim() !== '')
    .map((vote) => ({ sentiment: vote.sentiment, comment: vote.comment as string, at: vote.at }))
    .sort((left, right) => left.at.localeCompare(right.at)),
});

const newestFirst = (left: { at: string }, right: { at: string }) => right.at.localeCompare(left.at);

/**
 * The feedback report over the answers given in [since, now]: satisfaction by collection, the
 * worst-rated answers, the answers (and documents) voted outdated, the questions the documents did
 * not answer, outcome counts and latency percentiles. Pure: the caller reads the store.
 */
export const buildFeedbackReport = (input: FeedbackReportInput): FeedbackReport => {
  const { since, now } = input;
  const limit = Math.max(0, input.limit ?? 20);
  const answers = input.answers
    .filter((answer) => {
      const at = Date.parse(answer.at);
      return at >= since.getTime() && at <= now.getTime();
    })
    .sort((left, right) => left.at.localeCompare(right.at));

  const totals = emptyCounts();
  let answersWithVotes = 0;
  const outcomes = new Map<string, number>();
  const byCollection = new Map<string, { counts: SentimentCounts; answers: number }>();
  const rated: { answer: AnswerRecord; votes: Vote[]; counts: SentimentCounts }[] = [];
  const documents = new Map<string, OutdatedDocument & { answerIds: Set<string> }>();

  for (const answer of answers) {
    outcomes.set(answer.outcome, (outcomes.get(answer.outcome) ?? 0) + 1);
    const votes = input.votesByAnswer.get(answer.answerId) ?? [];
    const counts = emptyCounts();
    for (const vote of votes) add(counts, vote.sentiment);
    if (votes.length > 0) answersWithVotes += 1;
    for (const sentiment of Object.keys(COUNT_KEY) as Sentiment[]) add(totals, sentiment, counts[COUNT_KEY[sentiment]]);
    for (const collection of collectionsOf(answer)) {
      const entry = byCollection.get(collection) ?? { counts: emptyCounts(), answers: 0 };
      entry.answers += 1;
      for (const sentiment of Object.keys(COUNT_KEY) as Sentiment[]) add(entry.counts, sentiment, counts[COUNT_KEY[sentiment]]);
      byCollection.set(collection, entry);
    }
    rated.push({ answer, votes, counts });
    if (counts.outdated > 0) {
      const seen = new Set<string>();
      for (const source of answer.sources) {
        const key = `${source.collection}\u0000${source.path}`;
        const document = documents.get(key) ?? {
          collection: source.collection, path: source.path, title: source.title, sections: [], outdatedVotes: 0, answers: 0, answerIds: new Set<string>(),
        };
        if (source.section && !document.sections.includes(source.section)) document.sections.push(source.section);
        if (!seen.has(key)) {
          seen.add(key);
          document.outdatedVotes += counts.outdated;
          document.answerIds.add(answer.answerId);
          document.answers = document.answerIds.size;
        }
        documents.set(key, document);
      }
    }
  }

  const satisfactionByCollection = [...byCollection.entries()]
    .map(([collection, { counts, answers: answerCount }]) => ({ collection, answers: answerCount, ...satisfactionOf(counts) }))
    .sort((left, right) => right.votes - left.votes || left.collection.localeCompare(right.collection));

  const worstRated = rated
    .filter(({ counts }) => counts.notHelpful > 0)
    .sort(
      (left, right) =>
        right.counts.notHelpful - left.counts.notHelpful || left.counts.helpful - right.counts.helpful || newestFirst(left.answer, right.answer),
    )
    .slice(0, limit)
    .map(({ answer, votes, counts }) => ratedAnswer(answer, votes, counts));

  const outdatedAnswers = rated
    .filter(({ counts }) => counts.outdated > 0)
    .sort((left, right) => right.counts.outdated - left.counts.outdated || newestFirst(left.answer, right.answer))
    .slice(0, limit)
    .map(({ answer, votes, counts }) => ratedAnswer(answer, votes, counts));

  const outdatedDocuments = [...documents.values()]
    .map(({ answerIds: _answerIds, ...document }) => document)
    .sort((left, right) => right.outdatedVotes - left.outdatedVotes || right.answers - left.answers || left.path.localeCompare(right.path));

  const noAnswers = answers.filter((answer) => answer.outcome === 'no-answer').sort(newestFirst);

  return {
    period: { since: since.toISOString(), until: now.toISOString() },
    totals: { answers: answers.length, answersWithVotes, ...satisfactionOf(totals) },
    outcomes: [...outcomes.entries()]
      .map(([outcome, count]) => ({ outcome, count }))
      .sort((left, right) => right.count - left.count || left.outcome.localeCompare(right.outcome)),
    latency: summarizeLatency(answers),
    satisfactionByCollection,
    worstRated,
    outdated: { answers: outdatedAnswers, documents: outdatedDocuments },
    unanswered: {
      total: noAnswers.length,
      questionTextRecorded: noAnswers.filter((answer) => answer.questionText !== undefined).length,
      questions: noAnswers.slice(0, limit).map((answer) => ({
        answerId: answer.answerId,
        at: answer.at,
        platform: answer.platform,
        channelId: answer.channelId,
        scope: [...answer.scope],
        ...(answer.questionText !== undefined ? { questionText: answer.questionText } : {}),
      })),
    },
  };
};
