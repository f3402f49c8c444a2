import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDocumentParser } from '../document-parser.js';
import { loadRoff } from './roff-loader.js';

const PAGE = `.\\" a comment
.TH BGPD 8 "2024-01-01" "FRR"
.SH NAME
bgpd \\- a BGP routing engine for use with FRRouting
.SH SYNOPSIS
.B bgpd
[
.B \\-f
.I config-file
]
.SH DESCRIPTION
.B bgpd
is a routing component. Use \\fBmaximum-prefix\\fR to limit routes.
.PP
The daemon reads its configuration at start.
.SH OPTIONS
.TP
\\fB\\-f\\fR, \\fB\\-\\-config_file\\fR=\\fIconfig-file\\fR
Specify the configuration file path.
.SH EXAMPLES
.nf
router bgp 64512
 neighbor 192.0.2.1 maximum-prefix 1000
.fi
`;

describe('the man page (roff) loader', () => {
  it('reads sections, items and examples, without roff markup', () => {
    const parsed = loadRoff({ bytes: new TextEncoder().encode(PAGE), documentId: 'man/bgpd.8' });
    expect(parsed.title).toBe('bgpd - a BGP routing engine for use with FRRouting');
    expect(parsed.sections.map((section) => section.headingPath.at(-1))).toEqual(['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES']);
    const text = parsed.sections.flatMap((section) => section.blocks).join('\n');
    expect(text).toContain('bgpd is a routing component. Use maximum-prefix to limit routes.');
    expect(text).toContain('-f, --config_file=config-file Specify the configuration file path.');
    expect(text).toContain('```\nrouter bgp 64512\n neighbor 192.0.2.1 maximum-prefix 1000\n```');
    expect(text).not.toMatch(/\\f|\.TH|\.SH|comment/);
  });

  it('is chosen for man section extensions, also gzipped', async () => {
    const parser = createDocumentParser();
    expect(['bgpd.8', 'printf.3p', 'bgpd.8.gz', 'ls.1', 'x.man'].map((name) => parser.canParse(name))).toEqual([true, true, true, true, true]);
    expect(parser.canParse('archive.tar.gz')).toBe(false);
    const drafts = await parser.parse({ documentId: 'bgpd.8.gz', bytes: gzipSync(PAGE) });
    expect(drafts.some((draft) => draft.text.includes('maximum-prefix'))).toBe(true);
  });
});
