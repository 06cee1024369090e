import type { DatabaseEngine, TemplateSummary } from '../database.types.js';
import type { DatabaseTemplate } from './database-template.js';
import { mariadbTemplate } from './mariadb.template.js';
import { mongodbTemplate } from './mongodb.template.js';
import { postgresTemplate } from './postgres.template.js';
import { redisTemplate } from './redis.template.js';

const TEMPLATES: Record<DatabaseEngine, DatabaseTemplate> = {
  postgres: postgresTemplate,
  mariadb: mariadbTemplate,
  redis: redisTemplate,
  mongodb: mongodbTemplate,
};

export function templateFor(engine: DatabaseEngine): DatabaseTemplate {
  return TEMPLATES[engine];
}

export function templateSummaries(): TemplateSummary[] {
  return Object.values(TEMPLATES).map((t) => ({ engine: t.engine, label: t.label, image: t.image, port: t.port, backup: true }));
}
