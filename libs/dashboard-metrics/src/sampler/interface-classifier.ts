import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import si from 'systeminformation';

export type InterfaceKind = 'physical' | 'virtual' | 'loopback';

export interface InterfaceClassifierOptions {
  /** Where Linux lists network devices. */
  sysfsNetDir?: string;
  /** Interfaces come and go rarely; their kinds are looked up again this often (or when a new name appears). */
  refreshMs?: number;
  now?: () => number;
}

/** ARPHRD_LOOPBACK in /sys/class/net/<name>/type. */
const LOOPBACK_TYPE = '772';

/**
 * Which interfaces carry the machine's own traffic. Counting bridges, veths,
 * VLANs, bonds or WireGuard tunnels as well would count the same bytes twice.
 * On Linux the kernel says it: a device under /sys/devices/virtual has no
 * hardware behind it (a VM's virtio NIC does have some, so VMs count their
 * NIC). Elsewhere systeminformation's flags are used; they guess "virtual"
 * from MAC vendor prefixes, which would drop a VMware guest's only NIC,
 * hence the kernel first.
 */
export class InterfaceClassifier {
  private kinds = new Map<string, InterfaceKind>();
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private readonly sysfsNetDir: string;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(options: InterfaceClassifierOptions = {}) {
    this.sysfsNetDir = options.sysfsNetDir ?? '/sys/class/net';
    this.refreshMs = options.refreshMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The interfaces among `names` whose traffic is summed. A container's
   * network namespace holds only its veth end: then every non-loopback
   * interface counts, its own traffic being all there is to show.
   */
  async countedAmong(names: readonly string[]): Promise<Set<string>> {
    if (this.isStale(names)) await this.refresh(names);
    const physical = names.filter((name) => this.kinds.get(name) === 'physical');
    if (physical.length > 0) return new Set(physical);
    return new Set(names.filter((name) => this.kinds.get(name) !== 'loopback'));
  }

  private isStale(names: readonly string[]): boolean {
    return this.now() - this.refreshedAt >= this.refreshMs || names.some((name) => !this.kinds.has(name));
  }

  private async refresh(names: readonly string[]): Promise<void> {
    this.kinds = (await this.fromSysfs(names)) ?? (await fromSysteminformation());
    this.refreshedAt = this.now();
  }

  private async fromSysfs(names: readonly string[]): Promise<Map<string, InterfaceKind> | undefined> {
    if (!(await isDirectory(this.sysfsNetDir))) return undefined;
    const entries = await Promise.all(names.map(async (name) => [name, await this.kindInSysfs(name)] as const));
    return new Map(entries);
  }

  private async kindInSysfs(name: string): Promise<InterfaceKind> {
    if (name.includes('/') || name === '.' || name === '..') return 'virtual';
    const device = join(this.sysfsNetDir, name);
    try {
      if ((await readFile(join(device, 'type'), 'utf8')).trim() === LOOPBACK_TYPE) return 'loopback';
      return (await realpath(device)).includes('/devices/virtual/') ? 'virtual' : 'physical';
    } catch {
      // gone between listing and lookup: nothing to count
      return 'virtual';
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function fromSysteminformation(): Promise<Map<string, InterfaceKind>> {
  const list = await si.networkInterfaces();
  return new Map(list.map((nic) => [nic.iface, nic.internal ? 'loopback' : nic.virtual ? 'virtual' : 'physical'] as const));
}
