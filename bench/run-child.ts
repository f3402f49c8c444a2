/**
 * Runs one scenario in a fresh Node process: peak RSS is per process, and a fresh process keeps
 * one scenario's caches, JIT state and native allocations from flattering the next one.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

export type ChildOutcome = { result: Record<string, unknown>; wallSeconds: number };

const STDERR_LINES_KEPT = 30;

export const runChild = (options: {
  script: string;
  args: string[];
  /** Extra Node flags, such as --cpu-prof. */
  nodeFlags?: string[];
  /** Echo the child's stderr as it comes, instead of only on failure. */
  verbose?: boolean;
  timeoutMs: number;
}): Promise<ChildOutcome> =>
  new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ...(options.nodeFlags ?? []), `bench/${options.script}`, ...options.args],
      { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    let stdout = '';
    const stderrTail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      stdout += data;
    });
    child.stderr.setEncoding('utf8').on('data', (data: string) => {
      if (options.verbose) process.stderr.write(data);
      stderrTail.push(...data.split('\n').filter(Boolean));
      stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_LINES_KEPT));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = Math.round(performance.now() - started) / 1000;
      const lastLine = stdout.trim().split('\n').filter((line) => line.startsWith('{')).at(-1);
      if (code !== 0 || !lastLine) {
        const reason = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (timeout?)' : ''}` : `exit code ${code}`;
        reject(new Error(`${options.script} ${options.args.join(' ')} failed: ${reason}\n${stderrTail.join('\n')}`));
        return;
      }
      try {
        resolvePromise({ result: JSON.parse(lastLine) as Record<string, unknown>, wallSeconds });
      } catch (error) {
        reject(new Error(`${options.script} printed unreadable JSON: ${lastLine}`, { cause: error }));
      }
    });
  });
