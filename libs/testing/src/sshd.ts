import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describeExit, forgetTempDir, rememberTempDir, runCommand, spawnManaged, type ManagedProcess } from './child-process.js';
import { freePort, waitForPort } from './ports.js';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = '/usr/bin/ssh-keygen';
/** Debian's privilege-separation directory; sshd refuses to start without it. */
const PRIVSEP_DIR = '/run/sshd';

export class MissingSshdError extends Error {
  constructor() {
    super(`${SSHD} not found — install it: apt-get install -y openssh-server`);
    this.name = 'MissingSshdError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

export interface SshKeyPair {
  /** OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`), no passphrase. */
  privateKey: string;
  /** One `authorized_keys` line. */
  publicKey: string;
}

export interface StartSshdOptions {
  /** Extra `sshd_config` lines, appended last. */
  extraConfig?: string[];
}

export interface SshdHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The user the tests may log in as (the current user). */
  readonly username: string;
  /** Private key of the authorized client key pair. */
  readonly privateKey: string;
  /** `SHA256:<base64, no padding>` of the host key, as `ssh-keygen -l -E sha256` prints it. */
  readonly hostKeySha256: string;
  /** The host key's public line (`ssh-ed25519 AAAA… comment`). */
  readonly hostPublicKey: string;
  /** Private temp dir (keys, config, pid file); removed by {@link stop}. */
  readonly dir: string;
  /** sshd's log (it runs with `-e`), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function assertInstalled(): void {
  for (const binary of [SSHD, SSH_KEYGEN]) {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      throw new MissingSshdError();
    }
  }
}

/** `SHA256:…` fingerprint of an OpenSSH public key line (hash of the decoded key blob). */
export function sshFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error('Not an OpenSSH public key line');
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

async function keygen(file: string, comment: string): Promise<SshKeyPair> {
  await runCommand(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  const [privateKey, publicKey] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.pub`, 'utf8')]);
  return { privateKey, publicKey: publicKey.trim() };
}

/** A fresh ed25519 key pair made by ssh-keygen (for "wrong key" tests). */
export async function generateSshKeyPair(comment = 'homelab-test'): Promise<SshKeyPair> {
  assertInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'homelab-sshkey-'));
  try {
    return await keygen(join(dir, 'key'), comment);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sshdConfig(dir: string, port: number, username: string, extra: readonly string[]): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // the tests run as root in CI containers
    'PermitRootLogin prohibit-password',
    // the temp dir's permissions are not sshd's business in a test
    'StrictModes no',
    'UsePAM no',
    `AllowUsers ${username}`,
    'AllowAgentForwarding no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'PermitUserEnvironment no',
    'PrintMotd no',
    'LogLevel VERBOSE',
    ...extra,
    '',
  ].join('\n');
}

/**
 * The real OpenSSH server (Debian `openssh-server`) on a free loopback port,
 * with a host key and one authorized client key generated for this run.
 */
export async function startSshd(options: StartSshdOptions = {}): Promise<SshdHandle> {
  assertInstalled();
  // needs root; without it sshd itself names the missing directory
  await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 }).catch(() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'homelab-sshd-'));
  rememberTempDir(dir);
  let proc: ManagedProcess | undefined;
  const cleanup = async (): Promise<void> => {
    await proc?.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    forgetTempDir(dir);
  };
  try {
    const username = userInfo().username;
    const host = await keygen(join(dir, 'ssh_host_ed25519_key'), 'homelab-test-host');
    const client = await keygen(join(dir, 'client_ed25519'), 'homelab-test-client');
    await writeFile(join(dir, 'authorized_keys'), `${client.publicKey}\n`, { mode: 0o600 });
    await chmod(dir, 0o700);
    const port = await freePort();
    const configFile = join(dir, 'sshd_config');
    await writeFile(configFile, sshdConfig(dir, port, username, options.extraConfig ?? []));
    await runCommand(SSHD, ['-t', '-f', configFile]);
    const current = spawnManaged(SSHD, ['-D', '-e', '-f', configFile], { emergencySignal: 'SIGTERM' });
    proc = current;
    const died = current.exited.then((info) => new Error(describeExit(`sshd on port ${port}`, info, current.output())));
    await waitForPort(port, { giveUp: died });
    return {
      host: '127.0.0.1',
      port,
      username,
      privateKey: client.privateKey,
      hostKeySha256: sshFingerprint(host.publicKey),
      hostPublicKey: host.publicKey,
      dir,
      output: () => current.output(),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
