import { describe, expect, it } from 'vitest';
import { BotError } from '../../core/bot-error.js';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadMarkdown } from './markdown-loader.js';

const load = (text: string, documentId = 'notes/on-call_handover.md') =>
  loadMarkdown({ bytes: new TextEncoder().encode(text), documentId });

describe('loadMarkdown', () => {
  it('reads a runbook into titled sections with GitHub anchors', () => {
    const parsed = loadMarkdown({ bytes: readFixture('certificate-rotation.md'), documentId: 'certificate-rotation.md' });
    expect(parsed.title).toBe('Rotating the API certificate');
    expect(parsed.sections.map((section) => [section.headingPath, section.anchor])).toEqual([
      [['Rotating the API certificate'], 'rotating-the-api-certificate'],
      [['Rotating the API certificate', 'Preparation'], 'preparation'],
      [['Rotating the API certificate', 'Preparation', 'Fetching the bundle'], 'fetching-the-bundle'],
      [['Rotating the API certificate', 'Preparation'], 'preparation-1'],
    ]);
    const [intro, preparation, fetching] = parsed.sections;
    expect(intro?.blocks).toEqual([
      'Rotate the certificate before it expires. See the TLS guide (https://docs.example.com/tls) & the checklist.',
    ]);
    expect(preparation?.blocks).toEqual([
      '- Check the expiry date with `openssl x509 -enddate`.\n- Announce the change in #platform.\n  - Mention the maintenance window.',
    ]);
    expect(fetching?.blocks).toEqual([
      '```bash\nvault kv get -field=bundle secret/tls/api > bundle.pem\n```',
      '| Host | Role |\n| lb1 | active |\n| lb2 | standby |',
    ]);
    expect(JSON.stringify(parsed)).not.toContain('owner: platform');
  });

  it('takes the title from front matter, then from the file name, when there is no h1', () => {
    expect(load('---\ntitle: "Handover checklist"\n---\n\n## Before you go\n\nWrite it down.').title).toBe('Handover checklist');
    const parsed = load('## Before you go\n\nWrite it down.');
    expect(parsed.title).toBe('On call handover');
    expect(parsed.sections[0]?.headingPath).toEqual(['On call handover', 'Before you go']);
  });

  it('slugs headings as GitHub does', () => {
    const parsed = load('# Guide\n\n## Drain vs. maint: `weight 0`!\n\ntext\n\n## 4. Websocket backends (be_ws)\n\ntext');
    expect(parsed.sections.map((section) => section.anchor)).toEqual(['drain-vs-maint-weight-0', '4-websocket-backends-be_ws']);
    expect(parsed.sections[0]?.headingPath).toEqual(['Guide', 'Drain vs. maint: weight 0!']);
  });

  it('strips a byte order mark and turns alerts into labels', () => {
    const parsed = load('\uFEFF# Title\n\n> [!WARNING]\n> Never run KEYS in production.\n');
    expect(parsed.title).toBe('Title');
    expect(parsed.sections[0]?.blocks).toEqual(['Warning: Never run KEYS in production.']);
  });

  it('rejects an empty file', () => {
    expect(() => loadMarkdown({ bytes: readFixture('empty.md'), documentId: 'empty.md' })).toThrow(
      new BotError('document_unreadable', 'empty document'),
    );
  });

  it('rejects binary content', () => {
    expect(() => load('# Title\n\u0000\u0001\u0002')).toThrow('binary content in a text file');
  });

  const sample = exampleDocument('runbooks/haproxy-drain.md');
  it.runIf(sample.exists)('reads the HAProxy drain runbook sample', () => {
    const parsed = loadMarkdown({ bytes: sample.bytes(), documentId: 'runbooks/haproxy-drain.md' });
    expect(parsed.title).toBe('Runbook: Draining a server from an HAProxy backend');
    expect(parsed.sections.some((section) => section.anchor === 'drain-vs-maint-vs-weight-0')).toBe(true);
  });
});
