import type { Catalog } from '@homelab/dashboard-api';

/** One catalog service as the API shows it. */
export type { CatalogStatus } from '@homelab/dashboard-api';

/** `GET /api/catalog`. */
export type CatalogView = Catalog;
