import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { TurnHandle } from '@homelab/jarvis';

const HEARTBEAT_MS = 15_000;

/**
 * Sends a turn's events as server-sent events (`event: <name>`,
 * `data: <json>`), ending when the turn ends. When the browser goes away only
 * the listening stops: the turn goes on and is stored.
 */
export function streamTurn(handle: TurnHandle, reply: FastifyReply): void {
  // headers hooks already set (security headers) stay on the hijacked response
  const headers = reply.getHeaders() as OutgoingHttpHeaders;
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  const write = (text: string): void => {
    if (!response.writableEnded && !response.destroyed) response.write(text);
  };
  const heartbeat = setInterval(() => write(': keepalive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const unsubscribe = handle.subscribe((event) => write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`));
  const stopListening = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  response.on('close', stopListening);
  void handle.finished.then(() => {
    stopListening();
    if (!response.writableEnded) response.end();
  });
}
