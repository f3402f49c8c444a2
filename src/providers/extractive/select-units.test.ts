import { describe, expect, it } from 'vitest';
import type { NumberedSource } from '../../core/ports/language-model.js';
import { createExtractiveLanguageModel } from './extractive-language-model.js';
import { selectUnits } from './select-units.js';

const source = (n: number, text: string, score = 1): NumberedSource => ({ n, title: `Doc ${n}`, section: 'Section', text, score });

const generate = (question: string, sources: NumberedSource[]) =>
  createExtractiveLanguageModel().generate({ question, history: [], sources }).then((result) => result.text);

/** Sentences that match no question term, to fill a passage. */
const filler = (count: number, topic = 'The rack') =>
  Array.from({ length: count }, (_, index) => `${topic} number ${index} has its own power feed and a label on the door.`).join(' ');

describe('selecting what the extractive answer quotes', () => {
  it('reads on from the best unit: the steps after a sentence that matched', async () => {
    const text = await generate('can we promote the amsterdam replica?', [
      source(1, 'Promoting the amsterdam replica adds 9 ms per query.\n\n- On pg01.ams2, set nofailover: false.\n- Run patronictl failover --candidate pg01.ams2.acme.net.'),
    ]);
    expect(text).toContain('nofailover: false');
    expect(text).toContain('--candidate pg01.ams2.acme.net');
  });

  it('stops reading on at the next heading', async () => {
    const text = await generate('can we promote the amsterdam replica?', [
      source(1, 'Promoting the amsterdam replica adds 9 ms per query.\n\nBackups\n\nThe nightly job writes to object storage.'),
    ]);
    expect(text).toBe('Promoting the amsterdam replica adds 9 ms per query. [1]');
  });

  it('keeps a heading with the content below it, and a FAQ question with its answer', async () => {
    const splitBrain = await generate('symptoms when two nodes answer as primary', [
      source(1, 'Never promote by hand.\n\n6. Suspected split brain\n\nSymptoms: two nodes answer 200 on /primary.'),
    ]);
    expect(splitBrain).toContain('6. Suspected split brain\nSymptoms: two nodes answer 200 on /primary. [1]');
    const wifi = await generate('which wifi network do i join in the office', [
      source(1, 'Guests join the wifi network ACME-GUEST in the office.'),
      source(2, 'Which Wi-Fi network do I join in the office?\n\n`ACME-CORP`. It uses certificates.', 0.9),
    ]);
    expect(wifi).toContain('Which Wi-Fi network do I join in the office?\n`ACME-CORP`. It uses certificates. [2]');
  });

  it('fills a one-row gap between two quoted rows of a table, but does not read on through a table', async () => {
    const text = await generate('redis owner', [
      source(1, '| System | Owner |\n| Redis cache | Platform |\n| etcd | Data |\n| Redis queue | Platform |\n| Kafka | Nobody |'),
    ]);
    expect(text).toBe('| System | Owner |\n| Redis cache | Platform |\n| etcd | Data |\n| Redis queue | Platform | [1]');
  });

  it('quotes every strong unit before the lead passage reads on, so read-on cannot crowd them out', async () => {
    // The lead passage alone could fill the lead budget; the strong unit would then not fit the answer's.
    const strong = `Transit sessions keep a maximum-prefix limit of 1100000 routes, ${'which the edge routers enforce on every neighbor, '.repeat(12)}as agreed.`;
    const units = selectUnits('maximum-prefix limit for transit', [
      source(1, `The maximum-prefix limit for transit is set per neighbor.\n\n${filler(14)}`),
      source(2, strong),
    ]);
    expect(units.map((unit) => unit.text)).toContain(strong);
  });

  it('does not quote "Run:" or a list\'s introduction when what it announces does not fit', async () => {
    const longItems = Array.from({ length: 2 }, (_, index) => `- Cause ${index}: ${filler(12)}`).join('\n');
    const text = await generate('bgp session reset reason', [source(1, `Look at the bgp session reset reason first.\n\nCommon causes:\n\n${longItems}`)]);
    expect(text).toBe('Look at the bgp session reset reason first. [1]');
  });

  it('adds lower-scoring units of other sources while the budget lasts, and none below the floor', async () => {
    const units = selectUnits('haproxy drain backend command', [
      source(1, 'Drain the haproxy backend with the admin socket command.'),
      // About a third and an eighth of the best score: above and below the floor.
      source(2, 'Add the backend to the pool after the drain.', 0.6),
      source(3, 'The weather is fine for a backend.', 0.5),
    ]);
    expect(units.map((unit) => unit.source)).toEqual([1, 2]);
  });
});
