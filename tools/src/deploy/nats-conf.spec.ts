import { describe, expect, it } from 'vitest';
import { checkJetStream, checkNatsCluster, configPathIn, natsPorts, NatsConfError, parseNatsConf } from './nats-conf.js';

const conf = `
# comment
server_name: $POD_NAME
port = 4222
http: "0.0.0.0:8222" // monitoring
Authorization { user: homelab, password: 'p w' }
jetstream {
  store_dir: /data
  sync_interval: always
}
cluster {
  name: lab
  port: 6222
  routes: [
    nats-route://n-0.h:6222, nats-route://n-1.h:6222
    nats-route://n-2.h:6222
  ]
}
`;

describe('parseNatsConf', () => {
  it('reads blocks, arrays, quoted and bare values, separators and comments', () => {
    const parsed = parseNatsConf(conf);
    expect(parsed['server_name']).toBe('$POD_NAME');
    expect(parsed['authorization']).toEqual({ user: 'homelab', password: 'p w' });
    expect(parsed['cluster']).toMatchObject({ routes: ['nats-route://n-0.h:6222', 'nats-route://n-1.h:6222', 'nats-route://n-2.h:6222'] });
    expect(natsPorts(parsed)).toEqual({ client: 4222, monitor: 8222, cluster: 6222 });
  });

  it('reports where the syntax breaks', () => {
    expect(() => parseNatsConf('a {\n b: 1\n')).toThrow(NatsConfError);
    expect(() => parseNatsConf('a: [1, 2')).toThrow(/missing "]"/);
    expect(() => parseNatsConf('a: "open')).toThrow(/unterminated string/);
    expect(() => parseNatsConf('a: 1 2')).toThrow(/line 1: unexpected "2"/);
  });
});

describe('NATS checks', () => {
  it('accepts JetStream with a store and sync_interval always', () => {
    expect(checkJetStream(parseNatsConf(conf), 'x')).toEqual({ problems: [], storeDir: '/data' });
  });

  it('rejects JetStream without a store or with periodic sync', () => {
    const { problems } = checkJetStream(parseNatsConf('jetstream { sync_interval: 2m }'), 'x');
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/store_dir is not set/), expect.stringMatching(/must be "always" \(found "2m"\)/)]);
    expect(checkJetStream(parseNatsConf('jetstream: enabled'), 'x').problems[0]?.message).toMatch(/not enabled/);
  });

  it('compares the routes with the nodes', () => {
    const parsed = parseNatsConf(conf);
    expect(checkNatsCluster(parsed, 'x', ['n-0.h', 'n-1.h', 'n-2.h'])).toEqual([]);
    const messages = checkNatsCluster(parsed, 'x', ['n-0.h', 'n-1.h', 'n-2.h', 'n-3.h']).map((p) => p.message);
    expect(messages).toEqual(['cluster.routes lacks n-3.h']);
    const unnamed = parseNatsConf('cluster { port: 6222, routes: [nats-route://a:6223] }');
    expect(checkNatsCluster(unnamed, 'x', ['a']).map((p) => p.message)).toEqual([
      'cluster.name is not set (JetStream clustering needs it)',
      'route nats-route://a:6223 is not on cluster port 6222',
    ]);
  });

  it('finds the configuration file on a command line, not a shell script', () => {
    expect(configPathIn('/bin/sh -c export X=1 && exec nats-server --config /etc/nats/nats.conf')).toBe('/etc/nats/nats.conf');
    expect(configPathIn('nats-server -c /etc/nats.conf')).toBe('/etc/nats.conf');
    expect(configPathIn('/bin/sh -c exec nats-server')).toBeUndefined();
  });
});
