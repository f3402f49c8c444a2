import { BotError } from '../../core/bot-error.js';

const BYTE_ORDER_MARK = '\uFEFF';
// Tab, line feed, vertical tab, form feed and carriage return are ordinary in text files.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000E-\u001F\u007F]/g;
// A few stray control characters happen (copied terminal output); a large share means binary.
const MAX_CONTROL_SHARE = 0.05;
// Legacy 8-bit text (Latin-1 / Windows-1252) has some high bytes among mostly ASCII; binary has many.
const MAX_LEGACY_HIGH_BYTE_SHARE = 0.3;

// Windows-1252 differs from Latin-1 only in 0x80–0x9F (Node's TextDecoder treats the two alike).
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

const decodeWindows1252 = (bytes: Uint8Array): string => {
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
};

const unreadable = (reason: string) => new BotError('document_unreadable', reason);

const controlShare = (text: string): number =>
  text.length === 0 ? 0 : (text.match(CONTROL_CHARACTER)?.length ?? 0) / text.length;

const highByteShare = (bytes: Uint8Array): number => {
  let high = 0;
  for (const byte of bytes) if (byte >= 0x80) high++;
  return bytes.length === 0 ? 0 : high / bytes.length;
};

/**
 * Decodes a text-format file (Markdown, HTML, plain text): UTF-8 with the byte order mark removed,
 * falling back to Windows-1252 for legacy files that are clearly text. Rejects binary content and
 * empty documents with the reason the index report shows.
 */
export const decodeText = (bytes: Uint8Array): string => {
  if (bytes.includes(0)) throw unreadable('binary content in a text file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (highByteShare(bytes) > MAX_LEGACY_HIGH_BYTE_SHARE) throw unreadable('binary content in a text file');
    text = decodeWindows1252(bytes);
  }
  if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
  if (controlShare(text) > MAX_CONTROL_SHARE) throw unreadable('binary content in a text file');
  if (text.trim() === '') throw unreadable('empty document');
  return text.replace(/\r\n?/g, '\n');
};

/** Rejects a binary-format file (PDF, DOCX) that has no bytes, or only whitespace. */
export const assertNotEmpty = (bytes: Uint8Array): void => {
  const whitespace = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);
  if (bytes.every((byte) => whitespace.has(byte))) throw unreadable('empty document');
};
