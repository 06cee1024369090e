import { connect } from 'node:net';
import type { TcpCheckSpec } from '../catalog/catalog-entry.js';
import { errorMessage } from '../util/error-message.js';
import { elapsedSince, type CheckOutcome } from './check-outcome.js';

/** Up when the port accepts a connection; the response time is the connect time. */
export async function tcpCheck(check: TcpCheckSpec, signal: AbortSignal): Promise<CheckOutcome> {
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: check.host, port: check.port, signal });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (error) => {
        socket.destroy();
        reject(error);
      });
    });
    return { status: 'up', responseMs: elapsedSince(started), error: null };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    return { status: 'down', responseMs: null, error: errorMessage(error) };
  }
}
