// Broadcast and user mentions in every syntax our platforms parse: Slack's <!here>, <!channel>,
// <!everyone>, <!subteam^…>, <@U…>, plain @here/@channel/@everyone, and Teams' <at>…</at>.
const SPECIAL_MENTION = /<!(?:here|channel|everyone|subteam\^[^>]*)(?:\|[^>]*)?>/gi;
const USER_MENTION = /<@[UWB][A-Z0-9]+(?:\|[^>]*)?>/g;
const PLAIN_BROADCAST = /(^|[^\w`])@(here|channel|everyone|all)\b/gi;
const TEAMS_MENTION = /<at>(.*?)<\/at>/gi;

/**
 * Makes text from documents or a model safe to post: nothing in it can notify anyone.
 * The words stay readable ("@ here" → "here") so a quoted runbook still makes sense.
 */
export const makeChatSafe = (text: string): string =>
  text
    .replace(SPECIAL_MENTION, (match) => match.slice(2, -1).split('|')[0]?.replace('subteam^', 'group ') ?? '')
    .replace(USER_MENTION, 'a user')
    .replace(TEAMS_MENTION, '$1')
    .replace(PLAIN_BROADCAST, '$1$2');
