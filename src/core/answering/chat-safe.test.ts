import { describe, expect, it } from 'vitest';
import { makeChatSafe } from './chat-safe.js';

describe('makeChatSafe', () => {
  it.each([
    ['Ping @here when it flaps', 'Ping here when it flaps'],
    ['@channel heads up', 'channel heads up'],
    ['tell @everyone', 'tell everyone'],
    ['<!here> now', 'here now'],
    ['<!channel|@channel> now', 'channel now'],
    ['<!everyone>', 'everyone'],
    ['<!subteam^S123|@oncall> help', 'group S123 help'],
    ['ask <@U024BE7LH> or <@W12345|bob>', 'ask a user or a user'],
    ['<at>Ragbot</at> hi', 'Ragbot hi'],
  ])('neutralises %j', (input, expected) => {
    expect(makeChatSafe(input)).toBe(expected);
  });

  it('leaves e-mail addresses alone but neutralises mentions even inside code', () => {
    expect(makeChatSafe('mail noc@here.example or run `echo @here`')).toBe('mail noc@here.example or run `echo here`');
  });
});
