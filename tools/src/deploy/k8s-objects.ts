import { at, dict, entries, isDict, list, text, type Dict } from './access.js';

/** One YAML document of a manifest file. */
export interface Manifest {
  file: string;
  index: number;
  doc: unknown;
}

export interface K8sObject {
  kind: string;
  name: string;
  namespace: string | undefined;
  doc: Dict;
  /** `deploy/k8s/nats.yaml#3 StatefulSet/nats` */
  where: string;
  /** From a `*.example.yaml`: documents what the operator creates; not applied. */
  example: boolean;
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function toObject(manifest: Manifest): K8sObject {
  const doc = dict(manifest.doc);
  const metadata = dict(doc['metadata']);
  const kind = text(doc['kind']) ?? '';
  const name = text(metadata['name']) ?? '';
  return {
    kind,
    name,
    namespace: text(metadata['namespace']),
    doc,
    where: `${manifest.file}#${manifest.index + 1} ${kind || '?'}/${name || '?'}`,
    example: manifest.file.endsWith('.example.yaml'),
  };
}

export function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(entries(value).flatMap(([k, v]) => (text(v) === undefined ? [] : [[k, text(v) as string]])));
}

/** A label selector (matchLabels, or a Service's plain map) selects labels when all its pairs are present. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

export function podSpec(workload: K8sObject): Dict {
  return dict(dict(dict(workload.doc['spec'])['template'])['spec']);
}

export function podLabels(workload: K8sObject): Record<string, string> {
  return stringMap(dict(dict(dict(workload.doc['spec'])['template'])['metadata'])['labels']);
}

export interface Container {
  spec: Dict;
  name: string;
  where: string;
}

export function containersOf(workload: K8sObject): Container[] {
  const spec = podSpec(workload);
  return (['initContainers', 'containers'] as const).flatMap((key) =>
    list(spec[key]).map((c, i) => ({ spec: dict(c), name: text(dict(c)['name']) ?? '', where: at(`${workload.where} spec.template.spec`, key, i) })),
  );
}

/** A probe's or Service's port (number or container port name) as a number. */
export function resolvePort(containers: readonly Container[], port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const raw = text(port);
  if (raw === undefined) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  for (const c of containers) {
    const found = list(c.spec['ports']).map(dict).find((p) => p['name'] === raw);
    if (found) return Number(found['containerPort']);
  }
  return undefined;
}

export function containerPorts(container: Container): number[] {
  return list(container.spec['ports']).map((p) => Number(dict(p)['containerPort']));
}

/** Keys of a ConfigMap's or Secret's data. */
export function dataKeys(object: K8sObject): string[] {
  return [...Object.keys(dict(object.doc['data'])), ...Object.keys(dict(object.doc['stringData'])), ...Object.keys(dict(object.doc['binaryData']))];
}

export function dataValue(object: K8sObject, key: string): string | undefined {
  return text(dict(object.doc['data'])[key]) ?? text(dict(object.doc['stringData'])[key]);
}

/** The secrets or config maps a volume draws on, with the items it picks (undefined: all keys). */
export interface VolumeSource {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  items: { key: string; path: string }[] | undefined;
}

function itemsOf(value: unknown): { key: string; path: string }[] | undefined {
  return Array.isArray(value) ? value.map((i) => ({ key: String(dict(i)['key']), path: String(dict(i)['path']) })) : undefined;
}

export function volumeSources(volume: Dict): VolumeSource[] {
  const sources: VolumeSource[] = [];
  const add = (kind: VolumeSource['kind'], source: unknown, nameKey: string) => {
    if (!isDict(source)) return;
    sources.push({ kind, name: String(source[nameKey] ?? ''), items: itemsOf(source['items']) });
  };
  add('Secret', volume['secret'], 'secretName');
  add('ConfigMap', volume['configMap'], 'name');
  for (const projected of list(dict(volume['projected'])['sources'])) {
    add('Secret', dict(projected)['secret'], 'name');
    add('ConfigMap', dict(projected)['configMap'], 'name');
  }
  return sources;
}

export function volumesOf(workload: K8sObject): Dict[] {
  return list(podSpec(workload)['volumes']).map(dict);
}

export function claimTemplateNames(workload: K8sObject): string[] {
  return list(dict(workload.doc['spec'])['volumeClaimTemplates']).map((t) => String(dict(dict(t)['metadata'])['name'] ?? ''));
}

export interface VolumeMount {
  name: string;
  mountPath: string;
}

export function mountsOf(container: Container): VolumeMount[] {
  return list(container.spec['volumeMounts']).map((m) => ({ name: String(dict(m)['name'] ?? ''), mountPath: String(dict(m)['mountPath'] ?? '') }));
}

/** The mount a path lies under, and the path relative to it. */
export function mountFor(container: Container, path: string): { mount: VolumeMount; relative: string } | undefined {
  const mount = mountsOf(container)
    .filter((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  return mount ? { mount, relative: path.slice(mount.mountPath.replace(/\/$/, '').length + 1) } : undefined;
}
