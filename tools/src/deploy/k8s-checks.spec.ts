import { describe, expect, it } from 'vitest';
import { expectProblem, lines, realFacts, realManifests, type Loose, type RealManifests } from './deploy.test-helpers.js';
import { checkKubernetes } from './k8s-checks.js';
import { K8S_DIR } from './load.js';

const facts = realFacts();
const check = (m: RealManifests) => checkKubernetes(m.manifests, { facts, dir: K8S_DIR, files: m.files, kustomization: m.kustomization });

function object(m: RealManifests, kind: string, name: string): Loose {
  const found = m.manifests.find((x) => (x.doc as Loose)?.kind === kind && (x.doc as Loose)?.metadata?.name === name && !x.file.endsWith('.example.yaml'));
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found.doc;
}
const pod = (m: RealManifests, name: string): Loose => object(m, 'Deployment', name).spec.template.spec;
const container = (m: RealManifests, name: string): Loose => pod(m, name).containers[0];
const env = (m: RealManifests, name: string, variable: string): Loose => container(m, name).env.find((e: Loose) => e.name === variable);
const nats = (m: RealManifests): Loose => object(m, 'StatefulSet', 'nats');
const natsConf = (m: RealManifests, edit: (conf: string) => string) => {
  const map = object(m, 'ConfigMap', 'nats-config');
  map.data['nats.conf'] = edit(map.data['nats.conf']);
};

/** Each case breaks the real manifests in one way; the named problem must be reported. */
const mutations: [string, (m: RealManifests) => void, RegExp][] = [
  ['an unknown variable', (m) => container(m, 'dashboard').env.push({ name: 'COLOR', value: 'red' }), /env\.COLOR: COLOR is not a variable of dashboard/],
  ['an unknown variable in the shared ConfigMap', (m) => (object(m, 'ConfigMap', 'homelab-config').data.SERVICES_HEALTH_TIMEOUT_MS = '2000'), /homelab-config data\.SERVICES_HEALTH_TIMEOUT_MS: SERVICES_HEALTH_TIMEOUT_MS is not a variable of jarvis-guard/],
  ['a sensitive variable in the ConfigMap', (m) => (object(m, 'ConfigMap', 'homelab-config').data.VAULT_TOKEN = 'hvs.x'), /data\.VAULT_TOKEN: VAULT_TOKEN is sensitive/],
  ['a sensitive variable from secretKeyRef', (m) => container(m, 'automation').env.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'homelab-automation', key: 'DATABASE_URL' } } }), /env\.DATABASE_URL: DATABASE_URL is sensitive/],
  ['_FILE of a non-sensitive variable', (m) => container(m, 'automation').env.push({ name: 'NATS_URL_FILE', value: '/run/secrets/homelab/NATS_URL' }), /NATS_URL_FILE: only sensitive variables are read from files/],
  ['a _FILE outside every mount', (m) => (env(m, 'automation', 'DATABASE_URL_FILE').value = '/etc/database-url'), /env\.DATABASE_URL_FILE: \/etc\/database-url is no file of a Secret mounted/],
  ['a _FILE naming a key the volume lacks', (m) => (env(m, 'automation', 'DATABASE_URL_FILE').value = '/run/secrets/homelab/DB_URL'), /\/run\/secrets\/homelab\/DB_URL is no file of a Secret/],
  ['a value the schema rejects', (m) => (object(m, 'ConfigMap', 'homelab-config').data.LOG_LEVEL = 'loud'), /LOG_LEVEL="loud" is invalid/],
  ['HTTP_HOST on loopback', (m) => (object(m, 'ConfigMap', 'homelab-config').data.HTTP_HOST = '127.0.0.1'), /HTTP_HOST="127.0.0.1": a container must bind 0.0.0.0/],
  ['a containerPort that is not HTTP_PORT', (m) => (container(m, 'stream-bot').ports[0].containerPort = 3000), /containerPort 3000 is not HTTP_PORT 3001/],
  ['HTTP_PORT changed alone', (m) => (env(m, 'stream-bot', 'HTTP_PORT').value = '8080'), /containerPort 3001 is not HTTP_PORT 8080/],
  ['a probe on the wrong path', (m) => (container(m, 'discord-bot').readinessProbe.httpGet.path = '/ready'), /readinessProbe: path must be \/health \(is \/ready\)/],
  ['a probe on the wrong port', (m) => (container(m, 'discord-bot').livenessProbe.httpGet.port = 3000), /livenessProbe: port 3000 is not HTTP_PORT 3002/],
  ['a probe on an unknown named port', (m) => (container(m, 'discord-bot').livenessProbe.httpGet.port = 'web'), /livenessProbe: port web is no port of the container/],
  ['no readiness probe', (m) => delete container(m, 'discord-bot').readinessProbe, /no readinessProbe/],
  ['one replica', (m) => (object(m, 'Deployment', 'jarvis-guard').spec.replicas = 1), /Deployment\/jarvis-guard: replicas must be at least 2/],
  ['a selector that misses the pods', (m) => (object(m, 'Deployment', 'jarvis-guard').spec.selector.matchLabels['app.kubernetes.io/name'] = 'guard'), /Deployment\/jarvis-guard: spec\.selector\.matchLabels does not match/],
  ['a Service selecting nothing', (m) => (object(m, 'Service', 'automation').spec.selector['app.kubernetes.io/name'] = 'automaton'), /Service\/automation: its selector matches no pods/],
  ['a Service targeting a missing port', (m) => (object(m, 'Service', 'automation').spec.ports[0].targetPort = 8080), /targetPort 8080 is no container port of automation/],
  ['a Service targeting an unknown port name', (m) => (object(m, 'Service', 'automation').spec.ports[0].targetPort = 'web'), /targetPort web is no container port/],
  ['a PDB selecting nothing', (m) => (object(m, 'PodDisruptionBudget', 'automation').spec.selector.matchLabels['app.kubernetes.io/name'] = 'x'), /PodDisruptionBudget\/automation: its selector matches no pods/],
  ['a workload without PDB', (m) => (m.manifests = m.manifests.filter((x) => !((x.doc as Loose).kind === 'PodDisruptionBudget' && (x.doc as Loose).metadata.name === 'dashboard'))), /Deployment\/dashboard: no PodDisruptionBudget/],
  ['a latest image', (m) => (container(m, 'automation').image = 'homelab/automation:latest'), /tag must be the release version/],
  ['an unpinned NATS image', (m) => (nats(m).spec.template.spec.containers[0].image = 'nats'), /image nats: pin a version tag/],
  ['no resource limits', (m) => delete container(m, 'automation').resources.limits, /resources\.limits: no cpu/],
  ['a writable root file system', (m) => (container(m, 'automation').securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem must be true/],
  ['privilege escalation', (m) => delete container(m, 'automation').securityContext.allowPrivilegeEscalation, /allowPrivilegeEscalation must be false/],
  ['capabilities kept', (m) => (container(m, 'automation').securityContext.capabilities.drop = ['NET_RAW']), /capabilities\.drop must include ALL/],
  ['root allowed', (m) => { delete pod(m, 'automation').securityContext.runAsNonRoot; delete container(m, 'automation').securityContext.runAsNonRoot; }, /runAsNonRoot must be true/],
  ['no seccomp profile', (m) => delete pod(m, 'automation').securityContext.seccompProfile, /seccompProfile must be RuntimeDefault/],
  ['a missing Secret', (m) => (pod(m, 'dashboard').volumes[0].projected.sources[0].secret.name = 'dashboard-secrets'), /Secret dashboard-secrets is neither a resource nor documented/],
  ['a missing Secret key', (m) => (pod(m, 'dashboard').volumes[0].projected.sources[1].secret.items[0].key = 'PASSWORD'), /Secret homelab-nats has no key PASSWORD/],
  ['a missing ConfigMap', (m) => (container(m, 'dashboard').envFrom[0].configMapRef.name = 'config'), /ConfigMap config is neither a resource/],
  ['a mount of no volume', (m) => container(m, 'dashboard').volumeMounts.push({ name: 'cache', mountPath: '/cache' }), /volumeMounts: no volume cache/],
  ['a service without Deployment', (m) => (m.manifests = m.manifests.filter((x) => !((x.doc as Loose).kind === 'Deployment' && (x.doc as Loose).metadata.name === 'automation'))), /service automation has no Deployment/],
  ['a service without Service', (m) => (m.manifests = m.manifests.filter((x) => !((x.doc as Loose).kind === 'Service' && (x.doc as Loose).metadata.name === 'automation'))), /Deployment\/automation: no Service selects its pods/],
  ['NATS_URL naming no NATS Service', (m) => (object(m, 'ConfigMap', 'homelab-config').data.NATS_URL = 'nats://nats-client:4222'), /nats-client is no Service of the NATS pods/],
  ['NATS_URL on the wrong port', (m) => (object(m, 'ConfigMap', 'homelab-config').data.NATS_URL = 'nats://nats:6222'), /nats:\/\/nats:6222 does not reach the NATS client port/],
  ['NATS_USER not the authorized one', (m) => (object(m, 'ConfigMap', 'homelab-config').data.NATS_USER = 'admin'), /NATS_USER must be homelab/],
  ['two NATS replicas', (m) => (nats(m).spec.replicas = 2), /StatefulSet\/nats: replicas must be 3/],
  ['NATS as a Deployment', (m) => (nats(m).kind = 'Deployment'), /NATS needs a StatefulSet/],
  ['NATS without headless Service', (m) => (nats(m).spec.serviceName = 'nats'), /serviceName nats must be a headless Service/],
  ['headless Service hiding unready pods', (m) => delete object(m, 'Service', 'nats-headless').spec.publishNotReadyAddresses, /publishNotReadyAddresses must be true/],
  ['JetStream without sync_interval always', (m) => natsConf(m, (c) => c.replace('sync_interval: always', 'sync_interval: 10s')), /jetstream\.sync_interval must be "always" \(found "10s"\)/],
  ['JetStream disabled', (m) => natsConf(m, (c) => c.replace(/jetstream \{[\s\S]*?\n\}/, '')), /JetStream is not enabled/],
  ['JetStream on ephemeral storage', (m) => natsConf(m, (c) => c.replace('store_dir: /data', 'store_dir: /tmp/js')), /jetstream\.store_dir \/tmp\/js is not on a volumeClaimTemplate/],
  ['a route to a missing node', (m) => natsConf(m, (c) => c.replace('nats-2.nats-headless', 'nats-3.nats-headless')), /cluster\.routes lacks nats-2\.nats-headless.*|names nats-3\.nats-headless/],
  ['a route on the client port', (m) => natsConf(m, (c) => c.replace('nats-1.nats-headless:6222', 'nats-1.nats-headless:4222')), /route nats-route:\/\/nats-1\.nats-headless:4222 is not on cluster port 6222/],
  ['no cluster block', (m) => natsConf(m, (c) => c.replace(/cluster \{[\s\S]*?\n\}/, '')), /no `cluster \{ … \}` block/],
  ['an unreadable NATS configuration', (m) => natsConf(m, (c) => `${c}\njetstream {`), /NATS configuration: line \d+: missing "}"/],
  ['a config variable the pod does not set', (m) => (nats(m).spec.template.spec.containers[0].env = nats(m).spec.template.spec.containers[0].env.filter((e: Loose) => e.name !== 'POD_NAME')), /reads \$POD_NAME, which the container's env does not set/],
  ['a NATS probe off the monitoring port', (m) => (nats(m).spec.template.spec.containers[0].livenessProbe.httpGet.port = 'client'), /livenessProbe: must request \/healthz on the monitoring port 8222/],
  ['an unlisted resource file', (m) => (m.kustomization.resources = (m.kustomization.resources as string[]).filter((r) => r !== 'nats.yaml')), /nats\.yaml is not listed in resources/],
  ['the placeholder Secrets applied', (m) => (m.kustomization.resources as string[]).push('secrets.example.yaml'), /secrets\.example\.yaml holds placeholders/],
  ['a resource that does not exist', (m) => (m.kustomization.resources as string[]).push('redis.yaml'), /resource redis\.yaml does not exist/],
  ['an image override with latest', (m) => ((m.kustomization.images as Loose[])[0].newTag = 'latest'), /newTag latest is not the release version/],
  ['an image override of no container', (m) => ((m.kustomization.images as Loose[])[0].name = 'homelab/cron'), /no container uses homelab\/cron/],
  ['an object in another namespace', (m) => (object(m, 'Service', 'automation').metadata.namespace = 'default'), /namespace default differs from the kustomization's homelab/],
];

describe('checkKubernetes', () => {
  it('finds nothing wrong with deploy/k8s', () => {
    expect(lines(check(realManifests()))).toEqual([]);
  });

  it.each(mutations)('reports %s', (_name, mutate, expected) => {
    const m = realManifests();
    mutate(m);
    expectProblem(check(m), expected);
  });
});
