import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentSource } from '../src/core/ports/document-source.js';
import { startSlackWorkspace, type SlackWorkspace } from './fakes/fake-slack-workspace.js';

let workspace: SlackWorkspace | undefined;
afterEach(async () => {
  await workspace?.close();
  workspace = undefined;
});

/** Reading each file takes `ms`: a reindex long enough to report progress more than once. */
const slowReads = (source: DocumentSource, ms: number) => {
  const list = source.list.bind(source);
  source.list = async (options) => {
    const listed = await list(options);
    return {
      ...listed,
      entries: listed.entries.map((entry) => ({ ...entry, read: async () => (await new Promise((resolve) => setTimeout(resolve, ms)), entry.read()) })),
    };
  };
};

describe('/reindex from Slack', () => {
  it('refuses a non-admin privately (and the refusal is audit-logged), posting nothing', async () => {
    workspace = await startSlackWorkspace();
    const response = await workspace.sendCommand('slash-command-reindex.txt', { user_id: 'U0ALICE', trigger_id: 'trigger-reindex-alice' });
    expect(response.status).toBe(200);
    await workspace.settle();
    expect(workspace.api.responses.map((answer) => answer.body)).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('Only ragbot admins can reindex') },
    ]);
    expect(workspace.api.calls('chat.postMessage')).toHaveLength(0);
    expect(workspace.audit.events.at(-1)).toMatchObject({ userId: 'U0ALICE', action: 'reindex', outcome: 'refused' });
  });

  it('runs incrementally for an admin, with throttled progress in a thread and the counts in the summary', async () => {
    workspace = await startSlackWorkspace();
    for (let index = 0; index < 8; index++) workspace.sources.runbooks.write(`new-${index}.md`, `# Runbook ${index}\n\nStep ${index}: restart the exporter on node ${index}.`);
    slowReads(workspace.sources.runbooks.source, 200);
    const response = await workspace.sendCommand('slash-command-reindex.txt', { trigger_id: 'trigger-reindex-admin' });
    expect(response.status).toBe(200);
    await workspace.settle();

    const [root] = workspace.api.botMessages('C0GENERAL');
    expect(root?.text).toBe('<@U0ADMIN> started a reindex of `runbooks`.');
    const [progress, summary] = workspace.api.botMessages('C0GENERAL', root?.ts);
    expect(progress?.text).toBe('Done.');
    expect(summary?.text).toContain('*Reindex finished* (incremental)');
    expect(summary?.text).toContain('• `runbooks`: 8 added, 0 changed, 0 deleted, 2 unchanged · 0 chunks embedded (8 indexed, 0 removed)');
    expect(workspace.audit.events.at(-1)).toMatchObject({ userId: 'U0ADMIN', action: 'reindex', outcome: 'allowed' });

    const updates = workspace.api.handledAt.filter((call) => call.method === 'chat.update').map((call) => call.at);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < updates.length; index++) expect(updates[index]! - updates[index - 1]!).toBeGreaterThanOrEqual(950);
    expect(workspace.api.calls('chat.update').map((call) => call.text)).toContain('Reindexing `runbooks`: 0 / 10 files (`bgp-session-flap.md`)');
  });

  it('reports an unknown collection, and answers a bad option with the usage at once', async () => {
    workspace = await startSlackWorkspace();
    const bad = await workspace.sendCommand('slash-command-reindex.txt', { text: 'runbooks --fast' });
    expect(bad.json).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Unknown option --fast. Usage: `/reindex [collection] [--full] [--dry-run]`') });
    await workspace.sendCommand('slash-command-reindex.txt', { text: 'nope --dry-run', trigger_id: 'trigger-nope' });
    await workspace.settle();
    const [root] = workspace.api.botMessages('C0GENERAL');
    const thread = workspace.api.botMessages('C0GENERAL', root?.ts);
    expect(thread.at(-1)?.text).toBe('There is no collection `nope` to reindex. Known: `runbooks`, `security`.');
  });
});
