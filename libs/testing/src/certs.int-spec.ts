import { once } from 'node:events';
import { createServer } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestCa, issueCertificate, selfSignedCertificate } from './certs.js';

async function handshake(cert: { cert: string; key: string }, ca: string[] | undefined, servername: string) {
  const server = createServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ...(ca ? { ca } : {}) });
    await once(socket, 'secureConnect');
    const result: { authorized: boolean; error: string | undefined; peer: PeerCertificate } = {
      authorized: socket.authorized,
      error: socket.authorizationError?.toString(),
      peer: socket.getPeerCertificate(),
    };
    socket.destroy();
    return result;
  } finally {
    server.close();
  }
}

describe('test certificates', () => {
  it('issues server certificates a TLS client verifies against the test CA, with the dates asked for', async () => {
    const ca = await createTestCa();
    const notAfter = new Date(Date.now() + 5 * 86_400_000);
    const leaf = await issueCertificate(ca, { commonName: 'site.test', notAfter });
    const ok = await handshake(leaf, [ca.cert], 'site.test');
    expect(ok.authorized).toBe(true);
    expect(ok.peer.issuer.CN).toBe('Homelab Test CA');
    expect(Math.abs(Date.parse(ok.peer.valid_to) - notAfter.getTime())).toBeLessThan(1000);
    const wrongName = await handshake(leaf, [ca.cert], 'other.test');
    expect(wrongName.authorized).toBe(false);
  });

  it('makes expired and self-signed certificates that fail verification', async () => {
    const ca = await createTestCa();
    const expired = await issueCertificate(ca, {
      commonName: 'old.test',
      notBefore: new Date(Date.now() - 100 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    expect((await handshake(expired, [ca.cert], 'old.test')).error).toBe('CERT_HAS_EXPIRED');
    const self = await selfSignedCertificate('self.test');
    expect((await handshake(self, undefined, 'self.test')).error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
