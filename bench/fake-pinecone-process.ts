/**
 * Hosts the local fake Pinecone (test/fakes/fake-pinecone.ts) in its own process, so its work does
 * not share the measured process's event loop, and times how long it spends on each request.
 * Prints `{"url": …}` once listening; answers `stats` on stdin with one JSON line (requests,
 * server milliseconds) and `reset` with `{"reset":true}`; exits when stdin closes.
 *
 *   node --import tsx bench/fake-pinecone-process.ts --dimension 384 --api-key <key>
 */
import { Server } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArguments } from './scenario-support.js';

let requests = 0;
let serverMs = 0;
// Installed before the fake starts its server: the time from the request event to the response's
// last byte, body reading and JSON included. Only this process's server is affected.
const emit = Server.prototype.emit;
Server.prototype.emit = function patchedEmit(this: Server, event: string | symbol, ...args: unknown[]) {
  if (event === 'request') {
    const started = performance.now();
    const response = args[1] as { once(event: 'finish', listener: () => void): void };
    response.once('finish', () => {
      requests++;
      serverMs += performance.now() - started;
    });
  }
  return (emit as (this: Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
} as typeof Server.prototype.emit;

const { startFakePinecone } = await import('../test/fakes/fake-pinecone.js');
const values = parseArguments(process.argv.slice(2));
const fake = await startFakePinecone({ dimension: Number(values.get('dimension') ?? 384), apiKey: values.get('api-key') ?? 'bench-key' });
process.stdout.write(`${JSON.stringify({ url: fake.url, indexName: fake.indexName })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify({ requests, serverMs })}\n`);
  if (line.trim() === 'reset') {
    requests = 0;
    serverMs = 0;
    process.stdout.write(`${JSON.stringify({ reset: true })}\n`);
  }
});
lines.on('close', () => {
  void fake.close().then(() => process.exit(0));
});
