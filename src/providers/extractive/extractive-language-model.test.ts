import { describe, expect, it } from 'vitest';
import type { NumberedSource } from '../../core/ports/language-model.js';
import { createExtractiveLanguageModel } from './extractive-language-model.js';

const source = (n: number, text: string, score = 1, section = 'Section'): NumberedSource => ({ n, title: `Doc ${n}`, section, text, score });

const generate = (question: string, sources: NumberedSource[]) =>
  createExtractiveLanguageModel().generate({ question, history: [], sources }).then((result) => result.text);

describe('the extractive answerer', () => {
  it('quotes the short paragraph that answers the question, under one citation', async () => {
    const text = await generate('how long are database passwords valid before rotation?', [
      source(1, 'Secrets live in Vault. Database passwords rotate every 90 days. The CISO approves exceptions.'),
      source(2, 'VLAN 110 carries voice traffic.', 0.4),
    ]);
    expect(text).toBe('Secrets live in Vault. Database passwords rotate every 90 days. The CISO approves exceptions. [1]');
  });

  it('quotes only the answering sentence of a long paragraph, with its citation', async () => {
    const filler = Array.from({ length: 8 }, (_, index) => `Vault cluster node ${index} runs in its own rack with its own power feed.`).join(' ');
    const text = await generate('how long are database passwords valid before rotation?', [
      source(1, `${filler} Database passwords rotate every 90 days.`),
    ]);
    expect(text).toBe('Database passwords rotate every 90 days. [1]');
  });

  it('keeps an introducing sentence with its code block and cites it', async () => {
    const text = await generate('haproxy drain cmd?', [
      source(1, 'To drain a server, run:\n\n```\necho "set server be/web1 state drain" | socat stdio /run/haproxy/admin.sock\n```\n\nThen wait for sessions to end.'),
    ]);
    expect(text).toContain('To drain a server, run: [1]');
    expect(text).toContain('state drain');
    expect(text.indexOf('run: [1]')).toBeLessThan(text.indexOf('```'));
  });

  it('quotes a table row under its header, never a header alone', async () => {
    const text = await generate('patch deadline for critical internet-facing cves', [
      source(1, '| Severity | Internet-facing | Internal |\n| Critical | 72 hours | 7 days |\n| Low | 180 days | 180 days |'),
    ]);
    expect(text).toBe('| Severity | Internet-facing | Internal |\n| Critical | 72 hours | 7 days | [1]');
  });

  it('counts the section a sentence sits in as context', async () => {
    const text = await generate('who owns redis', [
      source(1, 'Redis 7.2 runs with Sentinel. Owner: Platform SRE (#platform).', 1, 'Runbook: Redis memory pressure'),
      source(2, 'Ask the owning team before deleting queue contents.', 1),
    ]);
    expect(text).toContain('Owner: Platform SRE (#platform). [1]');
  });

  it('also quotes a second source when it is nearly as relevant', async () => {
    const text = await generate('bgp maximum-prefix limit for transit', [
      source(1, 'Transit sessions have a maximum-prefix limit of 1000000 routes.'),
      source(2, 'The maximum-prefix limit for transit peers was added after the route leak.', 0.9),
    ]);
    expect(text).toContain('[1]');
    expect(text).toContain('[2]');
  });
});
