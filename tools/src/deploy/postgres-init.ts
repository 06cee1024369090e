/** Database names an init script creates with `CREATE DATABASE`, comments ignored. */
export function createdDatabases(sql: string): string[] {
  const code = sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...code.matchAll(/\bCREATE\s+DATABASE\s+(?:"([^"]+)"|([A-Za-z_][\w$]*))/gi)].map((m) => m[1] ?? (m[2] ?? '').toLowerCase());
}
