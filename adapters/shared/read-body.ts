import type { IncomingMessage } from 'node:http';

/**
 * A request's body, or undefined as soon as it is larger than `limitBytes`: the rest is then
 * drained unread, so the connection stays usable for the 413 that follows.
 */
export const readBodyWithin = (request: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      request.off('data', onData);
      request.resume();
      resolve(undefined);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
