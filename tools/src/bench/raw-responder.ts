// Raw nats.js responder for the RPC benchmark's baseline: echoes the payload
// with a timestamp, the same work the guard's ping handler does.
import { connect } from '@nats-io/transport-node';

const [url, subject] = process.argv.slice(2);
if (!url || !subject) {
  console.error('usage: raw-responder <nats-url> <subject>');
  process.exit(2);
}
const nc = await connect({ servers: url, noAsyncTraces: true });
nc.subscribe(subject, {
  callback: (error, msg) => {
    if (error) return;
    const request = msg.json<{ payload: string }>();
    msg.respond(JSON.stringify({ payload: request.payload, receivedAt: new Date().toISOString() }));
  },
});
await nc.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
