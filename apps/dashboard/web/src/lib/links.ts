/** The UI's own address of a container's page. */
export function containerLink(host: string, id: string): string {
  return `/containers/${encodeURIComponent(host)}/${encodeURIComponent(id)}`;
}
