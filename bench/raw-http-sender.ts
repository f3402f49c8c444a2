/**
 * A lean HTTP/1.1 load generator for the chat-path benchmark. Requests are serialized (and signed)
 * before the clock starts, and sent over plain sockets: `fetch` costs the sender about as much CPU
 * per request as the bot spends acknowledging it, and on a 2-core machine that cost would be
 * charged to the bot. Slack and the Bot Connector send from their own machines.
 */
import { connect, type Socket } from 'node:net';

export type PreparedRequest = Buffer;

export const prepareRequest = (url: URL, request: { headers: Record<string, string>; body: string; keepAlive?: boolean }): PreparedRequest => {
  const body = Buffer.from(request.body);
  const headers = {
    host: url.host,
    ...request.headers,
    'content-length': String(body.length),
    connection: request.keepAlive ? 'keep-alive' : 'close',
  };
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
};

const HEAD_END = Buffer.from('\r\n\r\n');

/** The status of one complete response at the start of `buffer`, or undefined while it is incomplete. */
const completeResponse = (buffer: Buffer): { status: number; length: number } | undefined => {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = buffer.subarray(0, headEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const contentLength = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (contentLength) {
    const length = headEnd + 4 + Number(contentLength[1]);
    return buffer.length >= length ? { status, length } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    // Walks the chunks: a size line in hex, the data, CRLF; a zero size ends the body.
    let offset = headEnd + 4;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16);
      offset = lineEnd + 2 + size + 2;
      if (buffer.length < offset) return undefined;
      if (size === 0) return { status, length: offset };
    }
  }
  return { status, length: headEnd + 4 };
};

/** One connection that sends requests one after another and resolves each with its status. */
export type Connection = { send(request: PreparedRequest): Promise<number>; close(): void };

export const openConnection = (url: URL): Promise<Connection> =>
  new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let received: Buffer = Buffer.alloc(0);
    let waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;
    socket.on('data', (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      const response = completeResponse(received);
      if (!response || !waiting) return;
      received = received.subarray(response.length);
      const done = waiting;
      waiting = undefined;
      done.resolve(response.status);
    });
    socket.on('error', (error) => (waiting ? waiting.reject(error) : reject(error)));
    socket.on('close', () => waiting?.reject(new Error('the connection closed before the response')));
    socket.once('connect', () =>
      resolve({
        send: (request) =>
          new Promise((resolveSend, rejectSend) => {
            waiting = { resolve: resolveSend, reject: rejectSend };
            socket.write(request);
          }),
        close: () => socket.destroy(),
      }),
    );
  });

/**
 * Sends on a fresh connection (the request says `connection: close`), as a platform does that
 * keeps no connection open; resolves with the status once the response is complete.
 */
export const sendOnce = async (url: URL, request: PreparedRequest): Promise<number> => {
  const connection = await openConnection(url);
  try {
    return await connection.send(request);
  } finally {
    connection.close();
  }
};
