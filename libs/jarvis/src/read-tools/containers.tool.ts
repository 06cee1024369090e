import { z } from 'zod';
import type { Container, ContainerState, DockerHost, LogLine } from '@homelab/dashboard-api';
import type { JarvisTool } from '../tools/jarvis-tool.js';

/** What the tools need of the containers feature. */
export interface ContainersSource {
  /** Containers (of one host) and the hosts' state; throws a DomainError for an unknown host. */
  list(host?: string): { containers: Container[]; hosts: DockerHost[] } | Promise<{ containers: Container[]; hosts: DockerHost[] }>;
  /** The last `lines` log lines of a container (no following); throws a DomainError for an unknown host or container. */
  logTail(host: string, container: string, lines: number): Promise<LogLine[]>;
}

const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const satisfies readonly ContainerState[];
const MAX_LISTED = 200;
const MAX_LINE_CHARS = 500;

const listParameters = z
  .object({
    host: z.string().trim().min(1).max(100).optional().describe('Docker host name (as configured); default all hosts.'),
    state: z.enum(STATES).optional().describe('Only containers in this state, e.g. "running" or "exited".'),
  })
  .strict();

const logParameters = z
  .object({
    host: z.string().trim().min(1).max(100).describe('Docker host name (as configured).'),
    container: z.string().trim().min(1).max(200).describe('Container name or id.'),
    lines: z.number().int().min(1).max(500).default(100).describe('How many of the last lines (at most 500).'),
  })
  .strict();

const portsOf = (container: Container): string[] =>
  container.ports.map((p) => (p.publicPort === null ? `${p.privatePort}/${p.protocol}` : `${p.publicPort}->${p.privatePort}/${p.protocol}`));

/** `list_containers`: containers across the Docker hosts, optionally of one host or state. */
export function createListContainersTool(source: ContainersSource): JarvisTool<typeof listParameters> {
  return {
    name: 'list_containers',
    description: 'List Docker containers on the configured hosts (name, state, health, image, CPU and memory), optionally of one host or one state.',
    parameters: listParameters,
    readOnly: true,
    async run(args) {
      const { containers, hosts } = await source.list(args.host);
      const matching = containers.filter((c) => args.state === undefined || c.state === args.state);
      const shown = matching.slice(0, MAX_LISTED).map((c) => ({
        host: c.host,
        name: c.name,
        state: c.state,
        health: c.health,
        status: c.status,
        image: c.image,
        ports: portsOf(c),
        composeProject: c.composeProject,
        cpuPercent: c.cpuPercent === null ? null : Math.round(c.cpuPercent * 10) / 10,
        memoryBytes: c.memoryBytes,
      }));
      const down = hosts.filter((h) => h.status === 'down').map((h) => ({ host: h.name, error: h.error?.message ?? 'down' }));
      const running = matching.filter((c) => c.state === 'running').length;
      return {
        ok: true,
        summary: `${matching.length} container${matching.length === 1 ? '' : 's'} (${running} running)${down.length ? `, ${down.length} host(s) down` : ''}`,
        content: { total: matching.length, listed: shown.length, containers: shown, hostsDown: down },
      };
    },
  };
}

/** `container_logs`: the last lines of a container's log. */
export function createContainerLogsTool(source: ContainersSource): JarvisTool<typeof logParameters> {
  return {
    name: 'container_logs',
    description: 'Read the last lines (default 100, at most 500) of a Docker container\'s log (stdout and stderr, with times).',
    parameters: logParameters,
    readOnly: true,
    async run(args) {
      const lines = await source.logTail(args.host, args.container, args.lines);
      const text = lines.map((l) => `${l.time ?? ''} ${l.stream === 'stderr' ? '[err] ' : ''}${l.line.length > MAX_LINE_CHARS ? `${l.line.slice(0, MAX_LINE_CHARS)}…` : l.line}`.trim());
      return { ok: true, summary: `${lines.length} line${lines.length === 1 ? '' : 's'} of ${args.container}`, content: { host: args.host, container: args.container, lines: text } };
    },
  };
}
