import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitForPort } from './redis-server.js';


/**
 * A real redis-server for fault tests, like test/support/redis-server.ts but durable and
 * freezable: an append-only file fsynced on every write (a kill -9 and restart keeps the data, as
 * a production Redis with persistence would), SIGSTOP/SIGCONT to make it hang (connections open,
 * nothing answered: what a stalled or partitioned Redis looks like), and an optional password.
 */
export const startDurableRedis = async (options: { password?: string } = {}) => {
  const port = await freePort();
  const directory = await mkdtemp(join(tmpdir(), 'ragbot-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always',
        ...(options.password ? ['--requirepass', options.password] : []),
      ],
      { stdio: 'ignore' },
    );
    const failed = new Promise<never>((_, reject) => child?.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`))));
    await Promise.race([waitForPort(port), failed]);
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGCONT'); // a frozen process must run to die
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    /** Where the append-only file lives: what Redis keeps of the bot's state. */
    directory,
    start,
    /** SIGKILL: the data written so far survives in the append-only file. */
    kill,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: async () => {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
};

export type DurableRedis = Awaited<ReturnType<typeof startDurableRedis>>;
