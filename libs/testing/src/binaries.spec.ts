import { describe, expect, it } from 'vitest';
import { findExecutable, MissingBinaryError, natsServerBinary, postgresBinaries } from './binaries.js';

describe('binaries', () => {
  it('finds installed server binaries', () => {
    expect(natsServerBinary()).toMatch(/nats-server$/);
    const { initdb, postgres } = postgresBinaries();
    expect(initdb).toMatch(/initdb$/);
    expect(postgres).toMatch(/postgres$/);
  });

  it('reports a missing binary in one line that says what to install', () => {
    expect(findExecutable('no-such-binary-homelab')).toBeUndefined();
    const error = new MissingBinaryError('nats-server');
    expect(error.message).toBe('nats-server not found on PATH — install it: apt-get install -y nats-server postgresql');
    expect(error.stack).not.toContain('\n');
  });
});
