import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Loaded into a `ragbot serve` child with `--import` (see reliability-serve.ts), never by the bot
 * itself. On SIGUSR2 it runs a full garbage collection and writes one line to stderr:
 * `RELIABILITY_PROBE {"heapUsed":…,"rss":…,"lagP99Ms":…,"lagMaxMs":…}`, the event-loop delay
 * since the previous probe included. Lets a test read the child's heap after GC without touching
 * the bot's code.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

process.on('SIGUSR2', () => {
  gc();
  gc();
  const memory = process.memoryUsage();
  const report = {
    heapUsed: memory.heapUsed, rss: memory.rss, external: memory.external, arrayBuffers: memory.arrayBuffers,
    lagP50Ms: lag.percentile(50) / 1e6, lagP99Ms: lag.percentile(99) / 1e6, lagMaxMs: lag.max / 1e6,
  };
  lag.reset();
  process.stderr.write(`RELIABILITY_PROBE ${JSON.stringify(report)}\n`);
});
