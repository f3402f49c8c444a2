import { randomUUID } from 'node:crypto';
import { createSearchScope, parseNamespace } from '../../core/access/search-scope.js';
import { answerQuestion } from '../../core/answering/answer-question.js';
import { BotError } from '../../core/bot-error.js';
import { MAX_QUESTION_CHARACTERS, type Question } from '../../core/question.js';
import type { Runtime } from '../local-runtime.js';
import { answerJson, formatAnswer } from './format-answer.js';

export type AskCommandOptions = { question: string; collections?: string[]; tenant: string; json?: boolean };

/** The local operator's scope: the named collections, or every collection indexed for the tenant. */
const resolveLocalScope = async (runtime: Runtime, options: AskCommandOptions) => {
  const indexed = (await runtime.catalogs.listNamespaces())
    .map(parseNamespace)
    .filter((parsed) => parsed?.tenantId === options.tenant)
    .map((parsed) => parsed?.collection as string);
  if (indexed.length === 0) {
    throw new BotError('collection_unknown', `Nothing is indexed for tenant "${options.tenant}" yet: run \`ragbot index <directory>\` first.`);
  }
  const requested = options.collections?.length ? options.collections : indexed;
  const unknown = requested.filter((collection) => !indexed.includes(collection));
  if (unknown.length > 0) {
    throw new BotError(
      'collection_unknown',
      `Unknown collection${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}; indexed collections: ${indexed.join(', ')}.`,
    );
  }
  return createSearchScope(options.tenant, requested);
};

export const runAskCommand = async (runtime: Runtime, options: AskCommandOptions): Promise<number> => {
  const text = options.question.trim();
  if (!text) throw new BotError('question_invalid', 'The question is empty: ragbot ask "how do I drain a load balancer backend?"');
  if (text.length > MAX_QUESTION_CHARACTERS) {
    throw new BotError('question_invalid', `The question has ${text.length} characters; the limit is ${MAX_QUESTION_CHARACTERS}.`);
  }
  const scope = await resolveLocalScope(runtime, options);
  const question: Question = {
    id: randomUUID(),
    platform: 'cli',
    tenantId: options.tenant,
    channel: { id: 'cli', kind: 'dm', external: false },
    user: { id: process.env.USER ?? 'cli' },
    text,
    invocation: 'cli',
    history: [],
    receivedAt: new Date(),
  };
  const answer = await answerQuestion({ ...runtime, settings: runtime.config.retrieval }, { question, scope });
  console.log(options.json ? JSON.stringify(answerJson(answer)) : formatAnswer(answer));
  return 0;
};
