import { describe, expect, it } from 'vitest';
import { exampleDocument, readFixture } from '../__fixtures__/read-fixture.js';
import { loadText } from './text-loader.js';

describe('loadText', () => {
  it('splits a man page into its sections, titled by the NAME line', () => {
    const parsed = loadText({ bytes: readFixture('backup-tool.8.txt'), documentId: 'backup-tool.8.txt' });
    const title = 'backup-tool - copy database snapshots to the offsite bucket';
    expect(parsed.title).toBe(title);
    expect(parsed.sections.map((section) => section.headingPath)).toEqual(
      ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS'].map((heading) => [title, heading]),
    );
    const section = (name: string) => parsed.sections.find((candidate) => candidate.headingPath[1] === name);
    expect(section('OPTIONS')?.anchor).toBe('options');
    expect(section('SYNOPSIS')?.blocks).toEqual(['```\nbackup-tool [-n] [-r RETENTION] CLUSTER\n```']);
    expect(section('DESCRIPTION')?.blocks).toEqual([
      'backup-tool uploads the latest snapshot of CLUSTER to the offsite bucket and prunes snapshots older than the retention period.',
      'It must run on the backup host, never on a database node.',
    ]);
    expect(section('OPTIONS')?.blocks).toEqual([
      '-n, --dry-run: Print what would be uploaded and pruned.',
      '-r DAYS, --retention DAYS: Keep snapshots for DAYS days. Default 30.',
    ]);
    expect(section('EXIT STATUS')?.blocks).toEqual(['- 0: Snapshot uploaded.\n- 2: Bucket unreachable.']);
    expect(JSON.stringify(parsed)).not.toContain('Acme Operations Manual');
  });

  it('reads other text as one section of paragraphs', () => {
    const parsed = loadText({ bytes: readFixture('release-notes.txt'), documentId: 'docs/release-notes.txt' });
    expect(parsed).toEqual({
      title: 'Release notes',
      sections: [{ headingPath: ['Release notes'], blocks: ['Release notes', 'The first paragraph of a plain text file.', 'The second paragraph.'] }],
    });
  });

  it('rejects a binary file with a .txt extension', () => {
    expect(() => loadText({ bytes: readFixture('binary.txt'), documentId: 'binary.txt' })).toThrow('binary content in a text file');
  });

  it('rejects a whitespace-only file', () => {
    expect(() => loadText({ bytes: new TextEncoder().encode('\n \t\n'), documentId: 'blank.txt' })).toThrow('empty document');
  });

  const sample = exampleDocument('runbooks/acme-drain.8.txt');
  it.runIf(sample.exists)('reads the acme-drain man page sample', () => {
    const parsed = loadText({ bytes: sample.bytes(), documentId: 'acme-drain.8.txt' });
    expect(parsed.title).toMatch(/^acme-drain - gracefully remove a server/);
    expect(parsed.sections.map((section) => section.headingPath[1])).toContain('SEE ALSO');
  });
});
