import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDirectory = new URL('.', import.meta.url).pathname;
// Pure utilities the core may use; everything else from npm is a platform or provider SDK.
const ALLOWED_PACKAGES = new Set(['stemmer', 'zod']);
// Word-list data packages are read as files (see english-lexicon.ts), not imported.

const sourceFiles = (directory: string): string[] =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });

const importsOf = (source: string): string[] =>
  [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );

describe('the core boundary', () => {
  const files = sourceFiles(coreDirectory);

  it('covers the whole core', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('imports no SDK, provider, adapter or entry code', () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const name = relative(coreDirectory, file);
        if (specifier.startsWith('.')) {
          const target = relative(coreDirectory, join(file, '..', specifier));
          if (target.startsWith('..')) violations.push(`${name} imports ${specifier} (outside src/core)`);
        } else if (!specifier.startsWith('node:') && !ALLOWED_PACKAGES.has(specifier.split('/')[0] ?? '')) {
          violations.push(`${name} imports the package ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('detects a violation when one is present', () => {
    expect(importsOf(`import { App } from '@slack/bolt';\nimport x from '../providers/lancedb/x.js';`)).toEqual([
      '@slack/bolt',
      '../providers/lancedb/x.js',
    ]);
  });
});
