import { describe, expect, it } from 'vitest';
import { summariseFilesystems, type FilesystemEntry } from './disk-reading.js';

const GB = 1024 ** 3;
const entry = (fs: string, type: string, mount: string, sizeGb: number, usedGb: number, availableGb = sizeGb - usedGb): FilesystemEntry => ({
  fs,
  type,
  mount,
  size: sizeGb * GB,
  used: usedGb * GB,
  available: availableGb * GB,
});

describe('summariseFilesystems (df lines as systeminformation gives them)', () => {
  it('keeps real disks and drops pseudo, union and network filesystems', () => {
    const result = summariseFilesystems([
      entry('/dev/nvme0n1p2', 'ext4', '/', 100, 40),
      entry('overlay', 'overlay', '/var/lib/docker/overlay2/abc/merged', 100, 40),
      entry('tmpfs', 'tmpfs', '/run', 2, 0.1),
      entry('/dev/loop3', 'squashfs', '/snap/core/1', 1, 1),
      entry('nas:/export/media', 'nfs4', '/mnt/media', 8000, 5000),
      entry('//nas/backup', 'cifs', '/mnt/backup', 4000, 1000),
      entry('mergerfs', 'fuse.mergerfs', '/mnt/pool', 3000, 1000),
      entry('/dev/sdb1', 'xfs', '/mnt/disk1', 2000, 500),
    ]);
    expect(result.disks.map((d) => d.mount)).toEqual(['/', '/mnt/disk1']);
    expect(result.diskTotalBytes).toBe(2100 * GB);
    expect(result.diskUsedBytes).toBe(540 * GB);
  });

  it('counts a device mounted several times (bind mounts, btrfs subvolumes) once, under its shortest mount', () => {
    const result = summariseFilesystems([
      entry('/dev/sda2', 'btrfs', '/home', 500, 200),
      entry('/dev/sda2', 'btrfs', '/', 500, 200),
      entry('/dev/sda2', 'btrfs', '/var/lib/docker/btrfs', 500, 200),
    ]);
    expect(result.disks).toEqual([{ mount: '/', fs: '/dev/sda2', usedBytes: 200 * GB, totalBytes: 500 * GB }]);
    expect(result.diskTotalBytes).toBe(500 * GB);
  });

  it('counts a ZFS pool once: its datasets\' used space plus the free space they share', () => {
    const result = summariseFilesystems([
      entry('tank', 'zfs', '/tank', 1010, 10, 1000),
      entry('tank/media', 'zfs', '/tank/media', 1600, 600, 1000),
      entry('tank/backups', 'zfs', '/tank/backups', 1300, 300, 1000),
      entry('/dev/sda1', 'ext4', '/', 100, 20),
    ]);
    expect(result.disks).toHaveLength(4);
    expect(result.diskUsedBytes).toBe((910 + 20) * GB);
    expect(result.diskTotalBytes).toBe((910 + 1000 + 100) * GB);
  });

  it('has null totals when nothing real is mounted (a container with only overlay)', () => {
    const result = summariseFilesystems([entry('overlay', 'overlay', '/', 100, 40), entry('shm', 'tmpfs', '/dev/shm', 0.06, 0)]);
    expect(result).toEqual({ disks: [], diskUsedBytes: null, diskTotalBytes: null });
  });

  it('skips entries with a zero or broken size', () => {
    const result = summariseFilesystems([entry('/dev/sdc1', 'ext4', '/mnt/empty', 0, 0), { ...entry('/dev/sdd1', 'ext4', '/mnt/x', 1, 0), used: Number.NaN }]);
    expect(result.disks).toEqual([]);
  });
});
