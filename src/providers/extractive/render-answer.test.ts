import { describe, expect, it } from 'vitest';
import { MAX_ANSWER_CHARACTERS, renderAnswer, renderWithinLimit } from './render-answer.js';
import type { ScoredUnit } from './score-units.js';

const unit = (index: number, text: string, kind: ScoredUnit['kind'] = 'prose', block = index, source = 1, score = 1): ScoredUnit => ({
  text, kind, index, block, source, score,
});

describe('rendering the extractive answer', () => {
  it('joins consecutive sentences of one paragraph under one citation, and gives a list one citation', () => {
    const text = renderAnswer([
      unit(0, 'Escalation is automatic.', 'prose', 0),
      unit(1, 'Nobody has to press anything.', 'prose', 0),
      unit(2, '1. Primary on-call', 'item', 1),
      unit(3, '2. after 10 minutes: secondary on-call', 'item', 1),
    ]);
    expect(text).toBe('Escalation is automatic. Nobody has to press anything. [1]\n1. Primary on-call\n2. after 10 minutes: secondary on-call [1]');
  });

  it('keeps sentences of different paragraphs, or with a gap between them, apart', () => {
    const text = renderAnswer([unit(0, 'First.', 'prose', 0), unit(2, 'Third.', 'prose', 0), unit(3, 'Fourth.', 'prose', 1)]);
    expect(text).toBe('First. [1]\nThird. [1]\nFourth. [1]');
  });

  it('cites a heading-and-code group once, above it', () => {
    const text = renderAnswer([unit(0, 'Rollback', 'prose', 0), unit(1, '```\nsudo nft -f /etc/nftables.conf.prev\n```', 'code', 1)]);
    expect(text).toBe('From [1]:\nRollback\n```\nsudo nft -f /etc/nftables.conf.prev\n```');
  });

  it('stays within the hard limit by dropping the units chosen last', () => {
    const units = [unit(0, 'a'.repeat(900), 'prose', 0, 1, 3), unit(0, 'b'.repeat(900), 'prose', 0, 2, 2), unit(0, 'c'.repeat(900), 'prose', 0, 3, 1)];
    const text = renderWithinLimit(units);
    expect(text.length).toBeLessThanOrEqual(MAX_ANSWER_CHARACTERS);
    expect(text).toContain('a'.repeat(900));
    expect(text).toContain('b'.repeat(900));
    expect(text).not.toContain('c');
  });

  it('shortens a single over-long code block and keeps its fence closed', () => {
    const code = `\`\`\`\n${'echo "show stat" | socat stdio /run/haproxy/admin.sock\n'.repeat(60)}\`\`\``;
    const text = renderWithinLimit([unit(0, code, 'code')]);
    expect(text.length).toBeLessThanOrEqual(MAX_ANSWER_CHARACTERS);
    expect(text.startsWith('From [1]:\n```')).toBe(true);
    expect(text.endsWith('…\n```')).toBe(true);
  });
});
