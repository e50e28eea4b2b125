import { connect, type AddressInfo, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { batchResponseWrites } from '../../src/kernel/http/batched-writes.ts';

/** A server that notes when each request is handled and when its response goes out. */
async function server(batched: boolean): Promise<{ app: FastifyInstance; port: number; events: string[] }> {
  const events: string[] = [];
  const app = Fastify();
  if (batched) batchResponseWrites(app);
  app.addHook('onSend', async (request) => void events.push(`written ${(request.query as { n: string }).n}`));
  app.get('/', async (request) => {
    events.push(`handled ${(request.query as { n: string }).n}`);
    return { n: (request.query as { n: string }).n };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port, events };
}

async function open(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Sends one request (at once, in this tick) and resolves with the whole response. */
function exchange(socket: Socket, n: string): Promise<string> {
  const answer = new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += String(chunk);
      if (!text.includes('\r\n\r\n') || !text.endsWith('}')) return;
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData).once('error', reject);
  });
  socket.write(`GET /?n=${n} HTTP/1.1\r\nhost: x\r\n\r\n`);
  return answer;
}

let running: FastifyInstance | undefined;
afterEach(async () => running?.close());

describe('batchResponseWrites', () => {
  const cases = [
    { batched: true, title: 'writes the responses of one turn after every request of it is handled' },
    { batched: false, title: 'without it, each response goes out before the next request is handled' },
  ];
  for (const { batched, title } of cases)
    it(title, async () => {
      const { app, port, events } = await server(batched);
      running = app;
      const sockets = await Promise.all([open(port), open(port), open(port)]);
      // A first exchange on each, so the server has accepted all three and reads from them.
      await Promise.all(sockets.map((socket) => exchange(socket, 'warm')));
      events.length = 0;
      // Written in one tick on loopback: the server reads all three in one turn of its loop.
      const texts = await Promise.all(sockets.map((socket, i) => exchange(socket, String(i))));
      sockets.forEach((socket) => socket.destroy());

      texts.forEach((text, i) => {
        expect(text.startsWith('HTTP/1.1 200')).toBe(true);
        expect(text.endsWith(`{"n":"${i}"}`)).toBe(true);
      });
      expect(events).toEqual(
        batched
          ? ['handled 0', 'handled 1', 'handled 2', 'written 0', 'written 1', 'written 2']
          : ['handled 0', 'written 0', 'handled 1', 'written 1', 'handled 2', 'written 2'],
      );
    });
});
