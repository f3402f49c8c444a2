import { afterEach, describe, expect, it, vi } from 'vitest';
import { createThrottledUpdater, parseReindexArguments } from './slack-commands.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('/reindex arguments', () => {
  it('takes one collection and the two flags, in any order', () => {
    expect(parseReindexArguments('')).toEqual({ full: false, dryRun: false });
    expect(parseReindexArguments(' --dry-run runbooks  --full ')).toEqual({ collection: 'runbooks', full: true, dryRun: true });
    expect(parseReindexArguments('runbooks --force')).toEqual({ error: 'Unknown option --force' });
    expect(parseReindexArguments('runbooks standards')).toEqual({ error: 'Name at most one collection' });
  });
});

describe('throttled progress updates', () => {
  it('updates at most once a second, in order, and always lands the final text', async () => {
    vi.useFakeTimers();
    const updates: [number, string][] = [];
    const updater = createThrottledUpdater(async (text) => void updates.push([Date.now(), text]));
    const start = Date.now();
    for (let step = 1; step <= 25; step++) {
      updater.push(`step ${step}`);
      await vi.advanceTimersByTimeAsync(100);
    }
    const finished = updater.finish('done');
    await vi.advanceTimersByTimeAsync(1_000);
    await finished;

    expect(updates.map(([, text]) => text)).toEqual(['step 1', 'step 10', 'step 20', 'done']);
    const times = updates.map(([at]) => at - start);
    for (let index = 1; index < times.length; index++) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});
