import { describe, expect, it } from 'vitest';
import { BotError } from '../../core/bot-error.js';
import { assertNotEmpty, decodeText } from './decode-text.js';

describe('decodeText', () => {
  it('decodes UTF-8 without its byte order mark and with Unix line ends', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Grüße\r\nzwei')]))).toBe('Grüße\nzwei');
  });

  it('falls back to Windows-1252 for legacy text', () => {
    const encode = (text: string) => [...new TextEncoder().encode(text)];
    const bytes = new Uint8Array([...encode('The caf'), 0xe9, ...encode(' menu costs 5 '), 0x80]);
    expect(decodeText(bytes)).toBe('The café menu costs 5 €');
  });

  it('rejects NUL bytes, random bytes and control characters as binary', () => {
    const random = new Uint8Array(512).map((_, index) => (index * 7919 + 13) % 255 + 1);
    for (const bytes of [new Uint8Array([0x41, 0x00, 0x42]), random, new TextEncoder().encode('\u0001\u0002\u0003\u0004abc')]) {
      expect(() => decodeText(bytes)).toThrow(new BotError('document_unreadable', 'binary content in a text file'));
    }
  });

  it('rejects empty binary formats', () => {
    expect(() => assertNotEmpty(new Uint8Array([0x20, 0x0a]))).toThrow('empty document');
    expect(() => assertNotEmpty(new Uint8Array([0x25, 0x50]))).not.toThrow();
  });
});
