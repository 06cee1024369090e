import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, issueCertificate, startDockerFake, type DockerFake, type StartDockerFakeOptions } from '@homelab/testing';

/** TLS material of a `dockerd --tlsverify` setup, made at test time. */
export interface TestDockerTls {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export async function makeDockerTls(): Promise<TestDockerTls> {
  const ca = await createTestCa('Docker Test CA');
  const server = await issueCertificate(ca, { commonName: '127.0.0.1', altNames: ['127.0.0.1', 'localhost'] });
  const client = await issueCertificate(ca, { commonName: 'homelab-dashboard', client: true });
  return { ca: ca.cert, serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key };
}

/** A Docker fake also serving HTTPS that demands a client certificate from `tls`'s CA. */
export function startTlsDockerFake(tls: TestDockerTls, options: StartDockerFakeOptions = {}): Promise<DockerFake> {
  return startDockerFake({ ...options, tls: { cert: tls.serverCert, key: tls.serverKey, ca: tls.ca, requestCert: true } });
}

/** A path in a fresh directory where no socket exists (a host whose daemon is gone). */
export async function missingSocket(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'homelab-nodocker-'));
  return { path: join(dir, 'docker.sock'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
