/**
 * Child process for the chat-path benchmark's floor: a plain node:http server that reads each
 * request and answers 200 at once. Acknowledging a burst can be no faster than this on the same
 * machine with the same load generator. Prints `{"url": …}` when listening; stops when stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((request, response) => {
  request.resume();
  request.once('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"response_type":"ephemeral","text":"Looking that up…"}');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` })}\n`);
});
process.stdin.resume();
process.stdin.once('end', () => server.close(() => process.exit(0)));
