import { defineConfig } from 'prisma/config';

/**
 * Prisma CLI configuration for this service. Only the CLI reads this file
 * (`tools/prisma-generate.mjs`, and `prisma migrate` on a connected machine);
 * the service itself gets its URL from @homelab/config.
 *
 * The URL is optional so that `prisma generate` works without a database;
 * `prisma.config`'s `env()` helper would throw when DATABASE_URL is unset.
 */
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // eslint-disable-next-line no-restricted-syntax -- read by the Prisma CLI only, never by the service
  datasource: { url: process.env['DATABASE_URL'] },
});
