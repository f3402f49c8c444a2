import { describe, expect, it } from 'vitest';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadHtml, parseHtml } from './html-loader.js';

describe('loadHtml', () => {
  const parsed = loadHtml({ bytes: readFixture('dns-changes.html'), documentId: 'dns-changes.html' });

  it('takes the title from <title> and sections from headings, anchors from ids or slugs', () => {
    expect(parsed.title).toBe('DNS zone changes & reloads');
    expect(parsed.sections.map((section) => [section.headingPath, section.anchor])).toEqual([
      [['Internal DNS zone changes'], 'internal-dns-zone-changes'],
      [['Internal DNS zone changes', '1. Servers'], 'servers'],
      [['Internal DNS zone changes', '2. Reloading a zone'], '2-reloading-a-zone'],
    ]);
  });

  it('keeps paragraphs, tables, lists, code and quotes, and drops navigation and scripts', () => {
    const [intro, servers, reloading] = parsed.sections;
    expect(intro?.blocks).toEqual(['Owner: NetOps · BIND 9.18 on Debian 12.']);
    expect(servers?.blocks).toEqual(['| Server | Address |\n| ns1.fra1 | 10.10.20.53 |']);
    expect(reloading?.blocks).toEqual([
      '- Bump the serial in `db.int.acme.net`.\n- Run the checks:\n```\nnamed-checkzone int.acme.net db.int.acme.net\n```',
      '```bash\nrndc reload int.acme.net\nrndc notify   int.acme.net\n```',
      'Never flush the whole cache during business hours.',
    ]);
    const text = JSON.stringify(parsed);
    expect(text).not.toContain('not content');
    expect(text).not.toContain('Home');
    expect(text).not.toContain('font-family');
  });

  it('falls back to the first h1, then to the file name', () => {
    expect(parseHtml('<h1>Only heading</h1><p>text</p>', 'a.html').title).toBe('Only heading');
    expect(parseHtml('<p>text</p>', 'docs/ip-plan.html').title).toBe('Ip plan');
  });

  it('rejects binary content and empty files', () => {
    expect(() => loadHtml({ bytes: readFixture('binary.txt'), documentId: 'x.html' })).toThrow('binary content in a text file');
    expect(() => loadHtml({ bytes: new TextEncoder().encode(' \n '), documentId: 'x.html' })).toThrow('empty document');
  });

  const sample = exampleDocument('runbooks/dns-bind-zone-changes.html');
  it.runIf(sample.exists)('reads the BIND runbook sample', () => {
    const document = loadHtml({ bytes: sample.bytes(), documentId: 'dns-bind-zone-changes.html' });
    expect(document.title).toBe('Runbook: Internal DNS (BIND) zone changes, reloads and cache flushes');
    expect(document.sections.flatMap((section) => section.blocks).join('\n')).toContain('| ns1.fra1.acme.net | 10.10.20.53 |');
  });
});
