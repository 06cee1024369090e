import type { AnalyzerRule } from '../analysis-input.js';
import { composeFix, containerName } from '../compose-snippet.js';

const MIB = 1024 * 1024;

/** Twice the current use, rounded up to 64 MiB, at least 128 MiB; 512M when the use is not known. */
function suggestedMemory(memoryBytes: number | undefined): string {
  if (!memoryBytes || memoryBytes <= 0) return '512M';
  const mib = Math.max(128, Math.ceil((memoryBytes * 2) / MIB / 64) * 64);
  return mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`;
}

/**
 * A container without limits can take all memory (the kernel's OOM killer
 * then picks any process of the host) or all CPUs. A missing memory limit is
 * a warning; a missing CPU limit alone only informational.
 */
export const noResourceLimitsRule: AnalyzerRule = {
  id: 'no-resource-limits',
  check(subject) {
    const hostConfig = subject.container.HostConfig;
    const memory = (hostConfig.Memory ?? 0) > 0;
    const cpu = (hostConfig.NanoCpus ?? 0) > 0 || (hostConfig.CpuQuota ?? 0) > 0 || (hostConfig.CpusetCpus ?? '') !== '';
    if (memory && cpu) return undefined;
    const missing = [memory ? null : 'memory', cpu ? null : 'CPU'].filter(Boolean).join(' and ');
    const usage = subject.stats?.memoryBytes;
    const limits = [...(memory ? [] : [`memory: ${suggestedMemory(usage ?? undefined)}${usage ? '   # about twice what it uses now' : ''}`]), ...(cpu ? [] : ['cpus: "1.0"'])];
    return {
      severity: memory ? 'info' : 'warning',
      message: `${containerName(subject)} has no ${missing} limit: ${memory ? 'a busy loop can take every CPU of the host.' : 'a leak can take all the host\'s memory, and the kernel then kills processes of other services too.'}`,
      fix: composeFix(subject, ['deploy:', '  resources:', '    limits:', ...limits.map((l) => `      ${l}`)]),
    };
  },
};
