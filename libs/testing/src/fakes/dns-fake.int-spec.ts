import { promises as dns } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsFake, type DnsFake } from './dns-fake.js';

// Real: node's c-ares based dns.promises.Resolver, over UDP, against the fake.
describe('DNS fake', () => {
  let fake: DnsFake;
  let resolver: dns.Resolver;

  beforeAll(async () => {
    fake = await startDnsFake({ 'site.test': { A: ['127.0.0.1'], AAAA: ['::1'] } });
    resolver = new dns.Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([fake.server]);
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('answers A and AAAA records the test set, whatever the letter case', async () => {
    expect(await resolver.resolve4('Site.Test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve6('site.test.')).toEqual(['::1']);
    expect(fake.queries.filter((q) => q.name === 'site.test').map((q) => q.type)).toEqual(['A', 'AAAA']);
  });

  it('follows a CNAME to its target, as a recursive resolver does', async () => {
    fake.set('www.site.test', { CNAME: 'site.test' });
    expect(await resolver.resolve4('www.site.test')).toEqual(['127.0.0.1']);
    expect(await resolver.resolveCname('www.site.test')).toEqual(['site.test']);
  });

  it('answers NXDOMAIN for unknown names and NODATA for a missing type', async () => {
    await expect(resolver.resolve4('nowhere.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    fake.set('v4only.test', { A: ['127.0.0.2'] });
    await expect(resolver.resolve6('v4only.test')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(fake.queries.at(-1)).toEqual({ name: 'v4only.test', type: 'AAAA', outcome: 'NOERROR' });
  });

  it('fails on demand with SERVFAIL, REFUSED or silence, and recovers', async () => {
    fake.fail('site.test', 'servfail');
    await expect(resolver.resolve4('site.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    fake.fail('site.test', 'refused');
    await expect(resolver.resolve4('site.test')).rejects.toMatchObject({ code: 'EREFUSED' });
    fake.fail('site.test', 'timeout');
    await expect(resolver.resolve4('site.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(fake.queries.at(-1)?.outcome).toBe('dropped');
    fake.recover('site.test');
    expect(await resolver.resolve4('site.test')).toEqual(['127.0.0.1']);
  });

  it('forgets removed names and rejects malformed records', async () => {
    fake.remove('v4only.test');
    await expect(resolver.resolve4('v4only.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(() => fake.set('bad.test', { A: ['::1'] })).toThrow(/not IPv4/);
  });
});
