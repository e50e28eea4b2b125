// Child process: a bare Fastify 5 app answering GET /hello, the machine's ceiling for one Node
// process behind autocannon. No plugins, no logger: everything Consentry does costs on top of this.
// Forked by hello-ceiling.ts; reports its URL over IPC.
import Fastify from 'fastify';

export type HelloMessage = { type: 'ready'; url: string };

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));

try {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('disconnect', () => process.exit(0)); // parent went away: never linger
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', url: address } satisfies HelloMessage);
} catch (err) {
  console.error(err);
  process.exit(1);
}
