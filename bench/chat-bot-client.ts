/**
 * The chat-path benchmark's handle on the bot process (chat-bot-process.ts): starts it, and speaks
 * its line protocol on stdin/stdout (`answerer …`, `stats`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPOSITORY_ROOT } from './run-child.js';

export type BotProcess = {
  url: string;
  ask(command: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
};

export const startBot = async (args: string[], nodeFlags: string[] = []): Promise<BotProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeFlags, 'bench/chat-bot-process.ts', ...args], { cwd: REPOSITORY_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const pending: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  lines.on('line', (line) => pending.shift()?.resolve(line));
  child.once('exit', (code) => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error(`the bot process exited (code ${code})`));
  });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.push({ resolve: (line) => resolve(JSON.parse(line) as Record<string, unknown>), reject });
  });
  const ready = (await next()) as { url: string };
  const ask = async (command: string) => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return answer;
  };
  return {
    url: ready.url,
    ask,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
};
