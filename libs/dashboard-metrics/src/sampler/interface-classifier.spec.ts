import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InterfaceClassifier } from './interface-classifier.js';

// A sysfs look-alike on disk: /sys/class/net/<name> links into /sys/devices,
// physical NICs under a bus, the rest under devices/virtual, as the kernel lays it out.
let root: string;
let classNet: string;
let time = 0;

async function device(name: string, path: string, type = '1'): Promise<void> {
  const target = join(root, 'devices', path, 'net', name);
  await mkdir(target, { recursive: true });
  await writeFile(join(target, 'type'), `${type}\n`);
  await symlink(target, join(classNet, name));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysfs-'));
  classNet = join(root, 'class', 'net');
  await mkdir(classNet, { recursive: true });
  time = 0;
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('InterfaceClassifier (sysfs)', () => {
  it('counts interfaces with hardware behind them, not loopback, bridges, veths or tunnels', async () => {
    await device('lo', 'virtual', '772');
    await device('enp3s0', 'pci0000:00/0000:00:1c.0/0000:03:00.0');
    await device('wlan0', 'pci0000:00/0000:00:14.3');
    await device('eth0', 'pci0000:00/0000:00:03.0/virtio2');
    for (const name of ['docker0', 'veth12ab', 'br-5f2c', 'wg0', 'tailscale0', 'bond0', 'vmbr0']) await device(name, 'virtual');
    const classifier = new InterfaceClassifier({ sysfsNetDir: classNet });
    const names = ['lo', 'enp3s0', 'wlan0', 'eth0', 'docker0', 'veth12ab', 'br-5f2c', 'wg0', 'tailscale0', 'bond0', 'vmbr0'];
    expect([...(await classifier.countedAmong(names))].sort()).toEqual(['enp3s0', 'eth0', 'wlan0']);
  });

  it('counts every non-loopback interface inside a container, where all are virtual', async () => {
    await device('lo', 'virtual', '772');
    await device('eth0', 'virtual');
    const classifier = new InterfaceClassifier({ sysfsNetDir: classNet });
    expect([...(await classifier.countedAmong(['lo', 'eth0']))]).toEqual(['eth0']);
  });

  it('looks again when a new interface appears, and after the refresh period', async () => {
    await device('enp1s0', 'pci0000:00/0000:00:1f.6');
    const classifier = new InterfaceClassifier({ sysfsNetDir: classNet, refreshMs: 60_000, now: () => time });
    expect([...(await classifier.countedAmong(['enp1s0']))]).toEqual(['enp1s0']);
    await device('enp2s0', 'pci0000:00/0000:00:1c.4');
    expect([...(await classifier.countedAmong(['enp1s0', 'enp2s0']))].sort()).toEqual(['enp1s0', 'enp2s0']);
  });

  it('does not count a name that vanished between listing and lookup, nor a path-like name', async () => {
    await device('enp1s0', 'pci0000:00/0000:00:1f.6');
    const classifier = new InterfaceClassifier({ sysfsNetDir: classNet });
    expect([...(await classifier.countedAmong(['enp1s0', 'gone0', '../../etc']))]).toEqual(['enp1s0']);
  });
});
