import { randomUUID } from 'node:crypto';
import { createSearchScope, parseNamespace } from '../../core/access/search-scope.js';
import { answerQuestion } from '../../core/answering/answer-question.js';
import { askQuestion } from '../../core/answering/ask-question.js';
import { BotError } from '../../core/bot-error.js';
import { MAX_QUESTION_CHARACTERS, type Question } from '../../core/question.js';
import type { Runtime } from '../runtime.js';
import { cliIdentity } from './cli-identity.js';
import { answerJson, formatAnswer } from './format-answer.js';

export type AskCommandOptions = {
  question: string;
  collections?: string[];
  tenant: string;
  user?: string;
  channel?: string;
  json?: boolean;
};

/** Without a policy the CLI is the local operator: the named collections, or every one indexed. */
const operatorScope = async (runtime: Runtime, options: AskCommandOptions) => {
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
  const dependencies = { ...runtime, settings: runtime.config.retrieval };
  let answer;
  if (runtime.policy) {
    // Under a policy the CLI asks as a user in a channel; the access rules decide the scope.
    if (options.collections?.length) throw new BotError('input_invalid', 'With a policy, the scope comes from the access rules: drop --collection.');
    const identity = await cliIdentity(runtime, options);
    question.user = { id: identity.userId };
    question.channel = identity.channel;
    answer = await askQuestion({ ...dependencies, policy: runtime.policy }, { question });
  } else {
    answer = await answerQuestion(dependencies, { question, scope: await operatorScope(runtime, options) });
  }
  console.log(options.json ? JSON.stringify(answerJson(answer)) : formatAnswer(answer));
  return 0;
};
