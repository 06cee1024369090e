import { z } from 'zod';

const optionalText = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty (leave the key out instead)')
    .max(max, `must be at most ${max} characters`)
    .nullish();

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://plex.lan:32400/identity' });

const httpStatus = z.int({ error: 'must be a whole number' }).min(100, 'must be an HTTP status (100–599)').max(599, 'must be an HTTP status (100–599)');

/** `host:port` or `[v6]:port`. */
const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)):(\d{1,5})$/;

export const entrySchema = z
  .object({
    name: z.string({ error: 'name is required (the service\'s display name)' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
    group: optionalText(100),
    url: httpUrl.nullish(),
    description: optionalText(500),
    check: z.unknown().optional(),
  })
  .strict();

export const httpCheckSchema = z
  .object({
    http: httpUrl,
    expectStatus: z.union([httpStatus, z.array(httpStatus).min(1, 'must list at least one status')]).optional(),
    expectText: z.string({ error: 'must be text' }).min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
    verifyTls: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict()
  .refine((c) => c.verifyTls === undefined || c.http.startsWith('https:'), {
    message: 'verifyTls applies to https:// URLs only',
    path: ['verifyTls'],
  });

export const tcpCheckSchema = z
  .object({
    tcp: z
      .string({ error: 'must be host:port, e.g. gamebox.lan:47989' })
      .regex(HOST_PORT, 'must be host:port, e.g. gamebox.lan:47989')
      .refine((v) => {
        const port = Number(HOST_PORT.exec(v)?.[3]);
        return port >= 1 && port <= 65_535;
      }, 'the port must be between 1 and 65535'),
  })
  .strict();

export const containerCheckSchema = z
  .object({
    container: z
      .string({ error: 'must be a container name' })
      .regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'must be a container name (letters, digits, _ . -)'),
    host: z.string({ error: 'must be a Docker host name from DOCKER_HOSTS' }).trim().min(1).max(64).optional(),
  })
  .strict();

export function splitHostPort(value: string): { host: string; port: number } {
  const match = HOST_PORT.exec(value);
  if (!match) throw new Error(`not host:port: ${value}`);
  return { host: (match[1] ?? match[2]) as string, port: Number(match[3]) };
}
