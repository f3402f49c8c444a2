import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';

const capture = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
};

describe('the logger', () => {
  it('writes JSON lines and never a token, a configured secret or an Authorization header', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, secrets: ['super-secret-signing-value'] });
    logger.info({ token: 'xoxb-123-456-abcdef', headers: { authorization: 'Bearer abc.def.ghi' }, note: 'used xoxb-999-888-zzzzzz and super-secret-signing-value' }, 'calling slack with sk-ant-api03-abcdefgh');
    logger.child({ requestId: 'r-1' }).warn({ error: 'openai said: invalid key sk-proj-0123456789' }, 'failed');
    const text = lines.join('');
    for (const secret of ['xoxb-123', 'abc.def.ghi', 'xoxb-999', 'super-secret-signing-value', 'sk-ant-api03', 'sk-proj-0123']) expect(text).not.toContain(secret);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ token: '[redacted]', headers: { authorization: '[redacted]' }, msg: 'calling slack with [redacted]' });
    expect(second).toMatchObject({ requestId: 'r-1', level: 40 });
  });

  it('leaves question text out unless enabled', () => {
    const quiet = capture();
    createLogger({ destination: quiet.destination }).info({ questionText: 'is my salary in the leak?' }, 'answered');
    expect(quiet.lines.join('')).not.toContain('salary');
    const verbose = capture();
    createLogger({ destination: verbose.destination, logQuestions: true }).info({ questionText: 'is my salary in the leak?' }, 'answered');
    expect(verbose.lines.join('')).toContain('salary');
  });

  it('scrubs JWTs and bearer tokens in free text', () => {
    expect(scrubSecrets('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl', [])).toBe('Authorization: [redacted]');
  });
});
