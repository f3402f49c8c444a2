import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

const root = new URL('../..', import.meta.url).pathname;
const probe = new URL('./reliability-probe.ts', import.meta.url).pathname;

export type ProbeReport = { heapUsed: number; rss: number; external: number; arrayBuffers: number; lagP50Ms: number; lagP99Ms: number; lagMaxMs: number };

export type ServeChild = {
  url: string;
  port: number;
  pid: number;
  /** Everything the child wrote to stdout and stderr, in order, as received. */
  output: string[];
  /** The child's output as lines (JSON log lines and anything else). */
  lines(): string[];
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>;
  /** SIGTERM, then the exit code. */
  terminate(): Promise<number | null>;
  /** A full GC in the child, then its heap, RSS and event-loop delay since the previous probe. */
  probe(): Promise<ProbeReport>;
};

/**
 * `ragbot serve` as a child process, like test/support/serve-process.ts, plus what reliability
 * tests need: a fixed port (a restarted bot comes back where the platforms send), kill -9, and the
 * probe (reliability-probe.ts, loaded with `--import`) for heap-after-GC readings.
 */
export const startServeChild = async (
  environment: Record<string, string>,
  options: { port?: number; timeoutMs?: number; withProbe?: boolean; waitForHealthy?: boolean } = {},
): Promise<ServeChild> => {
  const port = options.port ?? (await freePort());
  const output: string[] = [];
  const nodeArguments = ['--import', 'tsx', ...(options.withProbe === false ? [] : ['--import', probe])];
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, 'src/entry/cli.ts', 'serve', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, RAGBOT_LOG_LEVEL: 'info', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const probeWaiters: ((report: ProbeReport) => void)[] = [];
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    for (const match of text.matchAll(/^RELIABILITY_PROBE (.*)$/gm)) probeWaiters.shift()?.(JSON.parse(match[1] ?? '{}') as ProbeReport);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  if (options.waitForHealthy !== false) {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ragbot serve exited with ${child.exitCode ?? child.signalCode}:\n${output.join('')}`);
      const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
      if (healthy) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`ragbot serve did not become healthy:\n${output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url, port, pid: child.pid ?? 0, output, exited,
    lines: () => output.join('').split('\n').filter(Boolean),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    probe: () =>
      new Promise<ProbeReport>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the probe did not answer')), 10_000);
        probeWaiters.push((report) => {
          clearTimeout(timer);
          resolve(report);
        });
        child.kill('SIGUSR2');
      }),
  };
};
