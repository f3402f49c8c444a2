import { describe, expect, it } from 'vitest';
import { splitUnits } from './sentences.js';

describe('splitUnits', () => {
  it('splits prose into sentences but keeps abbreviations, code blocks and list items whole', () => {
    const units = splitUnits(
      'Drain the server first. Use the admin socket, e.g. with socat. Then wait:\n\n```\necho "set server be/web1 state drain" | socat stdio /run/haproxy.sock\n```\n\n- check show stat\n- re-enable it\n\n| VLAN | Use |\n| 110 | voice |',
    );
    expect(units.map((unit) => [unit.kind, unit.text])).toEqual([
      ['prose', 'Drain the server first.'],
      ['prose', 'Use the admin socket, e.g. with socat.'],
      ['prose', 'Then wait:'],
      ['code', '```\necho "set server be/web1 state drain" | socat stdio /run/haproxy.sock\n```'],
      ['item', '- check show stat'],
      ['item', '- re-enable it'],
      ['header', '| VLAN | Use |'],
      ['row', '| 110 | voice |'],
    ]);
    expect(units.map((unit) => unit.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(units[7]?.context).toBe('| VLAN | Use |');
  });

  it('gives every row its own table header, skipping separator rows', () => {
    const units = splitUnits('| A | B |\n|---|---|\n| 1 | 2 |\n\ntext\n\n| C |\n| 3 |');
    expect(units.map((unit) => [unit.kind, unit.text, unit.context])).toEqual([
      ['header', '| A | B |', undefined],
      ['row', '| 1 | 2 |', '| A | B |'],
      ['prose', 'text', undefined],
      ['header', '| C |', undefined],
      ['row', '| 3 |', '| C |'],
    ]);
  });

  it('numbers the block each unit belongs to: a paragraph, a list, a table or a code block', () => {
    const units = splitUnits('First. Second.\n\nThird.\n\n- a\n\n- b\n\n```\ncode\n```\n\n| H |\n| 1 |\n| 2 |\n\n- c');
    expect(units.map((unit) => [unit.text, unit.block])).toEqual([
      ['First.', 0],
      ['Second.', 0],
      ['Third.', 1],
      ['- a', 2],
      ['- b', 2],
      ['```\ncode\n```', 3],
      ['| H |', 4],
      ['| 1 |', 4],
      ['| 2 |', 4],
      ['- c', 5],
    ]);
  });
});
