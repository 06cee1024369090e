import si from 'systeminformation';
import type { DiskUsage, HostFigures } from '../host-sample.js';

export type DiskFigures = Pick<HostFigures, 'diskUsedBytes' | 'diskTotalBytes'> & { disks: DiskUsage[] };

/** One line of systeminformation's fsSize() (df). */
export interface FilesystemEntry {
  fs: string;
  type: string;
  size: number;
  used: number;
  available: number;
  mount: string;
}

/** Kernel and memory filesystems: no disk behind them. */
const PSEUDO_TYPES = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'cramfs', 'debugfs', 'devfs', 'devpts', 'devtmpfs',
  'efivarfs', 'fusectl', 'hugetlbfs', 'iso9660', 'mqueue', 'nsfs', 'proc', 'pstore', 'ramfs', 'rootfs', 'rpc_pipefs',
  'securityfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs', 'udev', 'udf', 'fuse.lxcfs', 'fuse.snapfuse', 'fuse.gvfsd-fuse',
  'fuse.portal',
]);

/** Union filesystems show disks that are already listed underneath them (Docker's overlay, mergerfs pools). */
const UNION_TYPES = new Set(['overlay', 'overlayfs', 'aufs', 'unionfs', 'fuse.mergerfs', 'mergerfs', 'fuse.unionfs']);

/** Another machine's disks: counted on that machine, and `df` on a dead one is what hangs. */
const REMOTE_TYPES = new Set([
  '9p', 'afs', 'ceph', 'cifs', 'davfs', 'fuse.ceph', 'fuse.glusterfs', 'fuse.rclone', 'fuse.s3fs', 'fuse.sshfs',
  'glusterfs', 'nfs', 'nfs4', 'smb3', 'smbfs', 'sshfs',
]);

/** Mounted filesystems and their totals (systeminformation runs `df`). */
export async function readDisks(): Promise<DiskFigures> {
  const figures = summariseFilesystems(await si.fsSize());
  if (figures.disks.length === 0) throw new Error('no local disk filesystem is mounted (only pseudo, union or network filesystems)');
  return figures;
}

/**
 * Real local filesystems, each device once (bind mounts and btrfs
 * subvolumes repeat the same device; the shortest mount path stands for
 * it), and their totals. ZFS datasets of one pool share its free space, so
 * a pool counts its datasets' used space once plus its free space once.
 */
export function summariseFilesystems(entries: readonly FilesystemEntry[]): DiskFigures {
  const byDevice = new Map<string, FilesystemEntry>();
  for (const entry of entries) {
    if (!isLocalDisk(entry)) continue;
    const seen = byDevice.get(entry.fs);
    if (!seen || entry.mount.length < seen.mount.length) byDevice.set(entry.fs, entry);
  }
  const kept = [...byDevice.values()].sort((a, b) => a.mount.localeCompare(b.mount));
  const totals = totalsOf(kept);
  return {
    disks: kept.map((e) => ({ mount: e.mount, fs: e.fs, usedBytes: e.used, totalBytes: e.size })),
    diskUsedBytes: kept.length > 0 ? totals.used : null,
    diskTotalBytes: kept.length > 0 ? totals.total : null,
  };
}

function isLocalDisk(entry: FilesystemEntry): boolean {
  const type = entry.type.toLowerCase();
  if (PSEUDO_TYPES.has(type) || UNION_TYPES.has(type) || REMOTE_TYPES.has(type)) return false;
  // `server:/export` and `//server/share` are network mounts whatever type df names
  if (/^[^/]+:\//.test(entry.fs) || entry.fs.startsWith('//')) return false;
  return Number.isFinite(entry.size) && entry.size > 0 && Number.isFinite(entry.used) && entry.used >= 0;
}

function totalsOf(kept: readonly FilesystemEntry[]): { used: number; total: number } {
  let used = 0;
  let total = 0;
  const zfsPools = new Map<string, { used: number; available: number }>();
  for (const entry of kept) {
    if (entry.type.toLowerCase() === 'zfs') {
      const pool = entry.fs.split('/')[0] ?? entry.fs;
      const sum = zfsPools.get(pool) ?? { used: 0, available: 0 };
      sum.used += entry.used;
      sum.available = Math.max(sum.available, entry.available);
      zfsPools.set(pool, sum);
      continue;
    }
    used += entry.used;
    total += entry.size;
  }
  for (const pool of zfsPools.values()) {
    used += pool.used;
    total += pool.used + pool.available;
  }
  return { used, total };
}
