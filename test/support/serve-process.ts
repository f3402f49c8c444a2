import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export { freePort };

const root = new URL('../..', import.meta.url).pathname;

/** `ragbot serve` as a child process on a free port, as an operator would run it. */
export const startServeProcess = async (environment: Record<string, string>, options: { timeoutMs?: number } = {}) => {
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/entry/cli.ts', 'serve', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, RAGBOT_LOG_LEVEL: 'info', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ragbot serve exited with ${child.exitCode}:\n${output.join('')}`);
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`ragbot serve did not become healthy:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    output,
    exited,
    signal: (name: NodeJS.Signals) => child.kill(name),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
};
