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
      ['item', '| VLAN | Use |'],
      ['item', '| 110 | voice |'],
    ]);
    expect(units.map((unit) => unit.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
