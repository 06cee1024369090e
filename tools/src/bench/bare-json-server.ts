// The dashboard benchmark's baseline: a bare Fastify server answering fixed
// JSON bodies at the same paths, with nothing else (no auth, no Nest, no cache).
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [routesFile] = process.argv.slice(2);
if (!routesFile) {
  console.error('usage: bare-json-server <routes.json>  (a JSON object: path → body text)');
  process.exit(2);
}
const routes = JSON.parse(readFileSync(routesFile, 'utf8')) as Record<string, string>;
const app = Fastify({ logger: false });
for (const [path, body] of Object.entries(routes)) {
  app.get(path, async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
}
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
