import { describe, expect, it } from 'vitest';
import { checkCompose, interpolate } from './compose-checks.js';
import { expectProblem, lines, realCompose, realFacts, withFiles, type Loose } from './deploy.test-helpers.js';
import { COMPOSE_FILE } from './load.js';

const facts = realFacts();
const check = (doc: unknown, f = facts) => checkCompose(doc, { facts: f, file: COMPOSE_FILE });

/** Each case breaks the real compose file in one way; the named problem must be reported. */
const mutations: [string, (doc: Loose) => void, RegExp][] = [
  ['an unknown variable', (d) => (d.services.dashboard.environment.DASHBOARD_COLOR = 'blue'), /dashboard\.environment\.DASHBOARD_COLOR: DASHBOARD_COLOR is not a variable of dashboard/],
  [
    'a variable of another service',
    (d) => (d.services['jarvis-guard'].environment.SERVICES_HEALTH_TIMEOUT_MS = '2000'),
    /SERVICES_HEALTH_TIMEOUT_MS is not a variable of jarvis-guard/,
  ],
  ['a sensitive variable in plain text', (d) => (d.services.automation.environment.DATABASE_URL = 'postgresql://a@b/c'), /DATABASE_URL is sensitive: mount it as a secret file/],
  ['_FILE of a non-sensitive variable', (d) => (d.services.automation.environment.LOG_LEVEL_FILE = '/run/secrets/x'), /LOG_LEVEL_FILE: only sensitive variables are read from files/],
  ['_FILE of an unknown variable', (d) => (d.services.automation.environment.API_TOKEN_FILE = '/run/secrets/x'), /API_TOKEN_FILE: API_TOKEN is not a variable of automation/],
  ['a value the schema rejects', (d) => (d.services.dashboard.environment.LOG_LEVEL = 'verbose'), /LOG_LEVEL="verbose" is invalid/],
  ['HTTP_HOST on loopback', (d) => (d.services.dashboard.environment.HTTP_HOST = '127.0.0.1'), /HTTP_HOST="127.0.0.1": a container must bind 0.0.0.0/],
  ['a _FILE pointing at no mounted secret', (d) => (d.services['stream-bot'].secrets = ['nats_password']), /stream-bot\.environment\.DATABASE_URL_FILE: \/run\/secrets\/database_url is no secret mounted/],
  ['a published port that is not HTTP_PORT', (d) => (d.services.dashboard.ports = ['127.0.0.1:3000:3001']), /dashboard\.ports: 127\.0\.0\.1:3000:3001 targets 3001, but the service listens on HTTP_PORT 3000/],
  ['HTTP_PORT changed without the port', (d) => (d.services.dashboard.environment.HTTP_PORT = '3100'), /targets 3000, but the service listens on HTTP_PORT 3100/],
  ['a port published on all interfaces', (d) => (d.services.dashboard.ports = ['3000:3000']), /3000:3000 is published on all interfaces/],
  ['a health check on the wrong path', (d) => (d.services.automation.healthcheck.test = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3004/healthz')"]), /automation\.healthcheck: requests http:\/\/127\.0\.0\.1:3004\/healthz, not http:\/\/127\.0\.0\.1:3004\/health/],
  ['a health check on the wrong port', (d) => (d.services.automation.healthcheck.test = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/health')"]), /automation\.healthcheck: requests http:\/\/127\.0\.0\.1:3000\/health/],
  ['no health check', (d) => delete d.services.postgres.healthcheck, /postgres\.healthcheck: missing/],
  ['a latest image', (d) => (d.services.nats.image = 'nats:latest'), /image nats:latest: pin a version tag/],
  ['an untagged image', (d) => (d.services.postgres.image = 'postgres'), /image postgres: pin a version tag/],
  ['an unknown upstream image', (d) => (d.services.nats.image = 'bitnami/nats:2.11'), /neither homelab\/<service> nor a known upstream/],
  ['a homelab image of no service', (d) => (d.services.automation.image = 'homelab/cron:0.1.0'), /no service "cron"/],
  ['a homelab image at another version', (d) => (d.services.automation.image = 'homelab/automation:${HOMELAB_VERSION:-9.9.9}'), /tag must be the release version/],
  ['a homelab image tag without default', (d) => (d.services.automation.image = 'homelab/automation:${HOMELAB_VERSION}'), /needs HOMELAB_VERSION without a default/],
  ['an APP build argument naming no app', (d) => (d.services.automation.build.args.APP = 'automaton'), /args\.APP: apps\/automaton\/src\/main\.ts does not exist/],
  ['an APP build argument for another image', (d) => (d.services.automation.build.args.APP = 'dashboard'), /builds dashboard but the image is homelab\/automation/],
  ['another Dockerfile', (d) => (d.services.automation.build.dockerfile = 'Dockerfile'), /build\.dockerfile: must be docker\/Dockerfile/],
  ['a homelab image not built here', (d) => delete d.services.automation.build, /automation\.build: homelab images are built here/],
  ['depends_on a missing service', (d) => (d.services.dashboard.depends_on.redis = { condition: 'service_healthy' }), /depends_on\.redis: no service "redis"/],
  ['depends_on without service_healthy', (d) => (d.services.dashboard.depends_on.nats = { condition: 'service_started' }), /depends_on\.nats: use condition: service_healthy/],
  ['not waiting for postgres', (d) => delete d.services.dashboard.depends_on.postgres, /dashboard\.depends_on: must wait for postgres/],
  ['an undeclared secret', (d) => d.services.dashboard.secrets.push('vault_token'), /secret "vault_token" is not declared in the top-level secrets/],
  ['a secret pointing at the placeholder', (d) => (d.secrets.nats_password.file = './secrets/nats_password.example'), /secrets\.nats_password: .*is the committed placeholder/],
  ['a secret without example', (d) => (d.secrets.nats_password.file = './secrets/nats_pw'), /deploy\/secrets\/nats_pw\.example does not exist/],
  ['a secret outside deploy/secrets', (d) => (d.secrets.nats_password.file = '../.env'), /is outside deploy\/secrets\//],
  ['no memory limit', (d) => delete d.services.dashboard.deploy.resources.limits.memory, /dashboard\.deploy\.resources\.limits: no memory limit/],
  ['no restart policy', (d) => delete d.services.nats.restart, /nats\.restart: must be unless-stopped/],
  ['a missing bind mount', (d) => (d.services.postgres.volumes[1] = './postgres/missing.sql:/docker-entrypoint-initdb.d/10.sql:ro'), /bind mount source deploy\/postgres\/missing\.sql does not exist/],
  ['an undeclared named volume', (d) => (d.services.nats.volumes[1] = 'nats-store:/data'), /volume "nats-store" is not declared/],
  ['a service missing', (d) => delete d.services['discord-bot'], /service discord-bot is not deployed/],
  ['NATS_URL naming no NATS service', (d) => (d.services.dashboard.environment.NATS_URL = 'nats://queue:4222'), /NATS_URL: queue is no NATS service/],
  ['NATS_URL on the wrong port', (d) => (d.services.dashboard.environment.NATS_URL = 'nats://nats:4223'), /NATS_URL: port 4223 is not the NATS client port 4222/],
  ['NATS without its configuration', (d) => (d.services.nats.volumes = ['nats-data:/data']), /services\.nats: no NATS configuration file mounted/],
  ['NATS health check on the client port', (d) => (d.services.nats.healthcheck.test = ['CMD', 'wget', 'http://127.0.0.1:4222/healthz']), /nats\.healthcheck: must request http:\/\/127\.0\.0\.1:8222\/healthz/],
  ['a plain POSTGRES_PASSWORD', (d) => (d.services.postgres.environment.POSTGRES_PASSWORD = 'x'), /POSTGRES_PASSWORD in plain text/],
  ['no init script', (d) => d.services.postgres.volumes.pop(), /no init script creates homelab_dashboard/],
];

describe('checkCompose', () => {
  it('finds nothing wrong with deploy/compose.yaml', () => {
    expect(lines(check(realCompose()))).toEqual([]);
  });

  it.each(mutations)('reports %s', (_name, mutate, expected) => {
    const doc = realCompose();
    mutate(doc);
    expectProblem(check(doc), expected);
  });

  it('reports an empty file', () => {
    expectProblem(check(null), /no services/);
  });

  it('checks the NATS configuration file the service mounts', () => {
    const conf = facts.files.read('deploy/nats/nats.conf') ?? '';
    const broken = withFiles(facts, { 'deploy/nats/nats.conf': conf.replace('sync_interval: always', 'sync_interval: 2m').replace('store_dir: /data', 'store_dir: /tmp/js') });
    const problems = check(realCompose(), broken);
    expectProblem(problems, /deploy\/nats\/nats\.conf: jetstream\.sync_interval must be "always" \(found "2m"\)/);
    expectProblem(problems, /jetstream\.store_dir \/tmp\/js is not on a volume/);
    const noJetStream = withFiles(facts, { 'deploy/nats/nats.conf': 'port: 4222\nhttp_port: 8222\n' });
    expectProblem(check(realCompose(), noJetStream), /JetStream is not enabled/);
    const unreadable = withFiles(facts, { 'deploy/nats/nats.conf': 'jetstream {\n' });
    expectProblem(check(realCompose(), unreadable), /NATS configuration: line \d+: missing "}"/);
  });

  it('checks the database URL examples against the init script', () => {
    const wrongDb = withFiles(facts, { 'deploy/secrets/automation_database_url.example': 'postgresql://homelab:x@postgres:5432/automation\n' });
    expectProblem(check(realCompose(), wrongDb), /automation\.secrets: example DATABASE_URL names database automation, not homelab_automation/);
    const wrongHost = withFiles(facts, { 'deploy/secrets/automation_database_url.example': 'postgresql://homelab:x@db:5432/homelab_automation\n' });
    expectProblem(check(realCompose(), wrongHost), /host db is no PostgreSQL service/);
    const wrongUser = withFiles(facts, { 'deploy/secrets/automation_database_url.example': 'postgresql://root:x@postgres:5432/homelab_automation\n' });
    expectProblem(check(realCompose(), wrongUser), /user root is not POSTGRES_USER homelab/);
    const noInit = withFiles(facts, { 'deploy/postgres/init.sql': 'CREATE DATABASE homelab_dashboard; -- CREATE DATABASE homelab_automation;' });
    expectProblem(check(realCompose(), noInit), /no init script creates homelab_automation for automation/);
  });

  it('reads the list form of environment', () => {
    const doc = realCompose() as Loose;
    doc.services.dashboard.environment = ['HTTP_PORT=3000', 'NATS_URL=nats://nats:4222', 'NATS_USER=homelab', 'COLOR=red'];
    const problems = check(doc);
    expectProblem(problems, /dashboard\.environment\[3\]: COLOR is not a variable of dashboard/);
    // the secrets' _FILE variables are gone with the map form, so nothing else is wrong
    expect(lines(problems)).toHaveLength(1);
  });
});

describe('interpolate', () => {
  it('applies defaults and escapes, and names what it cannot resolve', () => {
    expect(interpolate('homelab/x:${V:-0.1.0}')).toEqual({ value: 'homelab/x:0.1.0', unresolved: [] });
    expect(interpolate('a$${b}')).toEqual({ value: 'a${b}', unresolved: [] });
    expect(interpolate('${A}-$B-${C:?required}')).toEqual({ value: '--', unresolved: ['A', 'B', 'C'] });
    expect(interpolate('${A:+set}')).toEqual({ value: '', unresolved: [] });
  });
});
