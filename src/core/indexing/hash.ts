import { createHash } from 'node:crypto';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Short content hash for ids: 64 bits is ample within one document. */
export const shortHash = (data: string): string => sha256(data).slice(0, 16);
