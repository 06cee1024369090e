import { METRIC_COLUMNS, PEAK_COLUMNS } from './metric-columns.js';

/**
 * SQL that averages host_metric_sample rows into time buckets, shared by
 * the downsampling job and the on-the-fly history. Averages are weighted by
 * the number of raw samples behind each value, so raw rows and stored
 * 5-minute averages can be re-averaged together and the result is exactly
 * the average of the raw samples:
 * - a row holds sample_count samples;
 * - a figure that was missing in some of them (a sensor that failed for a
 *   while) has its own count in details.counts.<column>;
 * - a disk, interface or sensor seen in only some of them has its count in
 *   its entry's `samples`.
 * Peaks are the maxima of the raw values (a raw row is its own peak).
 *
 * `aggregationCtes(source, bucket)` gives the WITH items that read the
 * relation `source` (a CTE with host_metric_sample's columns); `bucket` is
 * a SQL expression of type interval. AGGREGATED_SELECT then selects one row
 * per (host, bucket start), with the table's columns.
 */
export function aggregationCtes(source: string, bucket: string): string {
  const averages = METRIC_COLUMNS.map((c) => `${weightedAverage(c.column, c.bigint)} AS ${c.column}`);
  const counts = METRIC_COLUMNS.map((c) => `sum(${weightOf(c.column)})::int AS n_${c.column}`);
  const peaks = PEAK_COLUMNS.map((p) => `max(coalesce(${p.column}, ${p.source})) AS ${p.column}`);
  return `
  src AS (
    SELECT t.*, date_bin(${bucket}, t.at, timestamptz '1970-01-01 00:00:00+00') AS bucket FROM ${source} t
  ),
  scalars AS (
    SELECT host, bucket, sum(sample_count)::int AS sample_count,
           ${[...averages, ...counts, ...peaks].join(',\n           ')}
      FROM src GROUP BY host, bucket
  ),
  disk_list AS (${listCte('disks', 'mount', [
    { name: 'fs', expression: `max(e.value->>'fs')` },
    { name: 'usedBytes', expression: weightedJsonAverage('usedBytes', 0) },
    { name: 'totalBytes', expression: weightedJsonAverage('totalBytes', 0) },
  ])}),
  interface_list AS (${listCte('interfaces', 'name', [
    { name: 'rxBytesPerS', expression: weightedJsonAverage('rxBytesPerS', 1) },
    { name: 'txBytesPerS', expression: weightedJsonAverage('txBytesPerS', 1) },
  ])}),
  temperature_list AS (${listCte('temperatures', 'label', [{ name: 'celsius', expression: weightedJsonAverage('celsius', 1) }])})`;
}

/** Counts of the figures not present in every sample of a bucket (the others have sample_count). */
const COUNTS_OBJECT = `jsonb_strip_nulls(jsonb_build_object(${METRIC_COLUMNS.map(
  (c) => `'${c.column}', CASE WHEN s.n_${c.column} <> s.sample_count THEN s.n_${c.column} END`,
).join(', ')}))`;

/** One row per (host, bucket): `at` is the bucket's start. */
export const AGGREGATED_SELECT = `
  SELECT s.host, s.bucket AS at, s.sample_count,
         ${[...METRIC_COLUMNS.map((c) => `s.${c.column}`), ...PEAK_COLUMNS.map((p) => `s.${p.column}`)].join(', ')},
         jsonb_build_object(
           'disks', coalesce(d.list, '[]'::jsonb),
           'interfaces', coalesce(i.list, '[]'::jsonb),
           'temperatures', coalesce(t.list, '[]'::jsonb),
           'counts', ${COUNTS_OBJECT}
         ) AS details
    FROM scalars s
    LEFT JOIN disk_list d ON d.host = s.host AND d.bucket = s.bucket
    LEFT JOIN interface_list i ON i.host = s.host AND i.bucket = s.bucket
    LEFT JOIN temperature_list t ON t.host = s.host AND t.bucket = s.bucket`;

/** Raw samples behind a row's value of `column`: none when null, else its own count or the row's. */
function weightOf(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN 0 ELSE coalesce((details->'counts'->>'${column}')::int, sample_count) END`;
}

function weightedAverage(column: string, bigint: boolean): string {
  const average = `sum(${column}::float8 * ${weightOf(column)}) / nullif(sum(${weightOf(column)}), 0)`;
  return bigint ? `round(${average})::bigint` : average;
}

/** Same for a number inside a details entry; anything that is not a JSON number is skipped, never cast. */
function weightedJsonAverage(field: string, digits: number): string {
  const isNumber = `jsonb_typeof(e.value->'${field}') = 'number'`;
  const value = `CASE WHEN ${isNumber} THEN (e.value->>'${field}')::float8 END`;
  return `round((sum(${value} * e.weight) / nullif(sum(e.weight) FILTER (WHERE ${isNumber}), 0))::numeric, ${digits})`;
}

interface ListField {
  name: string;
  expression: string;
}

/**
 * Explodes details->`list` into its entries, averages them per `key`, and
 * folds them back into one JSON array per bucket; each entry carries the
 * number of samples it was seen in.
 */
function listCte(list: string, key: string, fields: readonly ListField[]): string {
  const object = [`'${key}', key`, ...fields.map((f) => `'${f.name}', "${f.name}"`), `'samples', samples`].join(', ');
  return `
    SELECT host, bucket, jsonb_agg(jsonb_build_object(${object}) ORDER BY key) AS list
      FROM (
        SELECT e.host, e.bucket, e.value->>'${key}' AS key, sum(e.weight)::int AS samples,
               ${fields.map((f) => `${f.expression} AS "${f.name}"`).join(', ')}
          FROM (
            SELECT s.host, s.bucket, x.value,
                   CASE WHEN jsonb_typeof(x.value->'samples') = 'number' THEN (x.value->>'samples')::int ELSE s.sample_count END AS weight
              FROM src s
             CROSS JOIN LATERAL jsonb_array_elements(
               CASE WHEN jsonb_typeof(s.details->'${list}') = 'array' THEN s.details->'${list}' ELSE '[]'::jsonb END
             ) x
             WHERE jsonb_typeof(x.value) = 'object' AND x.value ? '${key}'
          ) e
         GROUP BY e.host, e.bucket, e.value->>'${key}'
      ) per_key
     GROUP BY host, bucket`;
}
