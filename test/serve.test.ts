import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/fake-openai.js';
import { citingReply } from './support/citing-reply.js';
import { startRedisServer } from './support/redis-server.js';
import { startServeProcess } from './support/serve-process.js';

const root = new URL('..', import.meta.url).pathname;
const ask = (url: string, question: string) =>
  fetch(`${url}/api/web/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });

const counter = (metrics: string, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{${labels}\\} (\\d+(?:\\.\\d+)?)$`, 'm').exec(metrics)?.[1] ?? 0);

describe('ragbot serve, as a child process', () => {
  let dataDirectory: string;
  let openai: FakeOpenAI;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let serve: Awaited<ReturnType<typeof startServeProcess>>;

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-serve-'));
    openai = await startFakeOpenAI({ reply: citingReply() });
    redis = await startRedisServer();
    serve = await startServeProcess({
      RAGBOT_DATA_DIR: dataDirectory, REDIS_URL: redis.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${openai.url}/v1`,
    });
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    await openai?.close();
    await redis?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('is alive, ready with the sample docs indexed, and counts questions in /metrics', async () => {
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${serve.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok' } });
    const before = counter(await (await fetch(`${serve.url}/metrics`)).text(), 'ragbot_questions_total', 'platform="web",invocation="dm",outcome="answered"');
    const response = await ask(serve.url, 'how do I drain a haproxy backend?');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { outcome: string; citations: unknown[] };
    expect(answer).toMatchObject({ outcome: 'answered' });
    expect(answer.citations.length).toBeGreaterThan(0);
    const after = counter(await (await fetch(`${serve.url}/metrics`)).text(), 'ragbot_questions_total', 'platform="web",invocation="dm",outcome="answered"');
    expect(after).toBe(before + 1);
  });

  it('reports a stopped Redis as not ready, and ready again when it is back', async () => {
    await redis.stop();
    const response = await fetch(`${serve.url}/readyz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { checks: { redis: string } }).checks.redis).toMatch(/unreachable|unavailable/);
    await redis.start();
    const deadline = Date.now() + 15_000;
    let status = 503;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${serve.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  }, 30_000);

  it('on SIGTERM, delivers the answer in flight, then exits 0', async () => {
    openai.delayNext(1, 2_000);
    const pending = ask(serve.url, 'what vlan do branch offices use for voice?');
    await new Promise((resolve) => setTimeout(resolve, 500));
    serve.signal('SIGTERM');
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { outcome: string }).outcome).toMatch(/answered|no-answer/);
    expect(await serve.exited).toBe(0);
  }, 30_000);
});

describe('ragbot serve with invalid configuration', () => {
  it('exits non-zero listing every problem by variable name', async () => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/entry/cli.ts', 'serve'], {
      cwd: root,
      env: { ...process.env, RAGBOT_VECTOR_STORE: 'pinecone', RAGBOT_EMBEDDINGS: 'bert', PORT: 'eighty', RAGBOT_POLICY: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((result as { code: number }).code).toBe(2);
    const stderr = (result as { stderr: string }).stderr;
    expect(stderr).toContain('RAGBOT_EMBEDDINGS: must be one of');
    expect(stderr).toContain('PORT: must be a number');
    expect(stderr).toContain('PINECONE_API_KEY: is missing');
  });
});
