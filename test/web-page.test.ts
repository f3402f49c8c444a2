import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess } from './support/serve-process.js';

// Debian's Chromium (installed by .ci/run); background networking off, as nothing outside may be reached.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const feedbackCount = async (url: string) => {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return [...metrics.matchAll(/^ragbot_feedback_total\{platform="web",sentiment="helpful",[^}]*change="added"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
};

describe('the web chat page in headless Chromium', () => {
  let dataDirectory: string;
  let serve: Awaited<ReturnType<typeof startServeProcess>>;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-web-'));
    serve = await startServeProcess({ RAGBOT_DATA_DIR: dataDirectory });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('asks a question, shows the cited answer, and counts a 👍 in the metrics', async () => {
    const page = await browser.newPage();
    await page.goto(`${serve.url}/`);
    await page.fill('#question', 'what vlan do branch offices use for voice?');
    await page.click('button[type=submit]');
    const answer = page.locator('.answer').first();
    await answer.locator('.source').first().waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toMatch(/\[1\]/);
    expect(await answer.locator('.source').first().textContent()).toMatch(/^\[1\] .+ — standards\/vlan-numbering\.md \(standards\)$/);
    expect(await answer.locator('.footer').textContent()).toContain('Searched:');

    const before = await feedbackCount(serve.url);
    await answer.locator('button.feedback[data-reaction="+1"]').click();
    await answer.locator('button.feedback[data-reaction="+1"]', { hasText: 'thanks' }).waitFor();
    expect(await feedbackCount(serve.url)).toBe(before + 1);
    await page.screenshot({ path: join(dataDirectory, 'web-page.png') });
  }, 60_000);
});
