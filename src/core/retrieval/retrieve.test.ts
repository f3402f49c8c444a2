import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../access/search-scope.js';
import { indexCollection } from '../indexing/index-collection.js';
import { createMemoryEmbeddingCache } from '../../providers/memory/memory-embedding-cache.js';
import { createMemoryIndexCatalogStore } from '../../providers/memory/memory-index-catalog-store.js';
import { createMemoryVectorStore } from '../../providers/memory/memory-vector-store.js';
import { createInMemorySource, paragraphParser } from '../../../test/support/in-memory-documents.js';
import { retrieve } from './retrieve.js';
import { DEFAULT_RETRIEVAL_SETTINGS, type RetrievalSettings } from './retrieval-settings.js';

// A long runbook whose every section matches the question's common words, and a short note that
// alone holds its rare word: the note ranks below the runbook's sections but is what evidence needs.
const documents = {
  'runbooks/haproxy.md': [
    '# HAProxy backend drain',
    'Drain the haproxy backend before maintenance with set server state drain.',
    'A haproxy backend in drain keeps its sessions until the clients close them.',
    'Check the haproxy backend drain with show stat on the admin socket.',
    'Return the haproxy backend from drain to ready once maintenance is done.',
  ].join('\n\n'),
  'runbooks/limits.md': '# Limits\n\nThe hard timeout is thirty seconds.',
  'runbooks/filler.md': [
    '# Filler',
    ...['vault secrets rotate', 'dns zone serial', 'bgp hold timer', 'postgres replica lag', 'redis memory alert', 'ntp clock skew',
      'ldap group sync', 'nginx worker count', 'kubernetes node cordon', 'backup restore test', 'vpn split tunnel', 'smtp relay queue']
      .map((topic) => `Notes about the ${topic} live here.`),
  ].join('\n\n'),
};

const setup = async () => {
  const store = createMemoryVectorStore();
  const catalogs = createMemoryIndexCatalogStore();
  const { source } = createInMemorySource(documents);
  await indexCollection(
    { store, catalogs, parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() },
    { source, tenantId: 'acme', collection: 'runbooks' },
  );
  const scope = createSearchScope('acme', ['runbooks']);
  return (settings: Partial<RetrievalSettings>) =>
    retrieve({ store, catalogs }, { scope, query: 'haproxy backend drain timeout', settings: { ...DEFAULT_RETRIEVAL_SETTINGS, evidenceDepths: [3], ...settings } });
};

describe('retrieve', () => {
  it('hands over up to maxChunksPerDocument passages of one document', async () => {
    const search = await setup();
    const { ranking } = await search({ maxChunksPerDocument: 4 });
    expect(ranking.slice(0, 4).map((hit) => hit.chunk.documentId)).toEqual(Array(4).fill('runbooks/haproxy.md'));
  });

  it('measures evidence at its own per-document cap, however many passages of a document are shown', async () => {
    const search = await setup();
    const narrow = await search({ maxChunksPerDocument: 2, evidenceChunksPerDocument: 2 });
    const wide = await search({ maxChunksPerDocument: 4, evidenceChunksPerDocument: 2 });
    expect(narrow.evidence).toBe(1);
    expect(wide.evidence).toBe(narrow.evidence);
    // Measured on the wide ranking, the runbook's extra sections would crowd the note out of view.
    const crowded = await search({ maxChunksPerDocument: 4, evidenceChunksPerDocument: 4 });
    expect(crowded.evidence).toBeLessThan(narrow.evidence);
  });
});
