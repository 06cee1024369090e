import dgram from 'node:dgram';
import { isIP } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Question } from 'dns-packet';

/** What the fake does with queries for a name instead of answering from its records. */
export type DnsFailure = 'servfail' | 'refused' | 'timeout';

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  /** An alias; the fake chases it through its own records, as a recursive resolver would. */
  CNAME?: string;
}

export interface DnsQueryLogEntry {
  name: string;
  type: string;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`, or `dropped` for a simulated timeout. */
  outcome: string;
}

export interface DnsFake {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:<port>`, the form `dns.Resolver#setServers` and DNS_SERVERS take. */
  readonly server: string;
  /** Every query received, oldest first. */
  readonly queries: readonly DnsQueryLogEntry[];
  /** Replaces the records of `name` (any letter case, trailing dot optional). */
  set(name: string, records: DnsRecords): void;
  /** Forgets `name` and any failure set for it: queries then answer NXDOMAIN. */
  remove(name: string): void;
  /** Answers every query for `name` with a failure until {@link DnsFake.recover}. */
  fail(name: string, failure: DnsFailure): void;
  recover(name: string): void;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const MAX_CNAME_CHAIN = 8;
const TTL_S = 1;

const canonical = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

function validateRecords(name: string, records: DnsRecords): void {
  for (const ip of records.A ?? []) if (isIP(ip) !== 4) throw new TypeError(`dns fake: A record of ${name} is not IPv4: ${ip}`);
  for (const ip of records.AAAA ?? []) if (isIP(ip) !== 6) throw new TypeError(`dns fake: AAAA record of ${name} is not IPv6: ${ip}`);
}

interface Resolution {
  rcode: number;
  answers: Answer[];
}

/** Answers one question from the zone, following CNAMEs inside it. */
function resolve(zone: ReadonlyMap<string, DnsRecords>, question: Question): Resolution {
  const answers: Answer[] = [];
  let name = canonical(question.name);
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop += 1) {
    const records = zone.get(name);
    // like a recursive resolver: an alias to a missing name is NXDOMAIN, with the CNAMEs seen so far
    if (!records) return { rcode: RCODE.NXDOMAIN, answers };
    if (records.CNAME && question.type !== 'CNAME') {
      answers.push({ type: 'CNAME', name, ttl: TTL_S, class: 'IN', data: canonical(records.CNAME) });
      name = canonical(records.CNAME);
      continue;
    }
    if (question.type === 'A' || question.type === 'AAAA') {
      for (const ip of records[question.type] ?? []) answers.push({ type: question.type, name, ttl: TTL_S, class: 'IN', data: ip });
    } else if (question.type === 'CNAME' && records.CNAME) {
      answers.push({ type: 'CNAME', name, ttl: TTL_S, class: 'IN', data: canonical(records.CNAME) });
    }
    return { rcode: RCODE.NOERROR, answers };
  }
  return { rcode: RCODE.SERVFAIL, answers: [] };
}

const outcomeName = (rcode: number): string => Object.entries(RCODE).find(([, code]) => code === rcode)?.[0] ?? `RCODE_${rcode}`;

/**
 * A DNS server over UDP on 127.0.0.1 speaking the real wire format
 * (dns-packet), so tests drive `dns.promises.Resolver` itself. It answers A,
 * AAAA and CNAME questions from records the test sets (chasing CNAMEs within
 * them), NXDOMAIN for names it does not know, NOERROR with no answer for a
 * known name lacking the asked type, and SERVFAIL, REFUSED or silence (a
 * timeout) for names the test makes fail.
 */
export async function startDnsFake(initial: Record<string, DnsRecords> = {}): Promise<DnsFake> {
  const zone = new Map<string, DnsRecords>();
  const failures = new Map<string, DnsFailure>();
  const queries: DnsQueryLogEntry[] = [];
  const socket = dgram.createSocket('udp4');

  const set = (name: string, records: DnsRecords): void => {
    validateRecords(name, records);
    zone.set(canonical(name), { ...records });
  };
  for (const [name, records] of Object.entries(initial)) set(name, records);

  const reply = (query: DecodedPacket, rinfo: dgram.RemoteInfo): void => {
    const question = query.questions?.[0];
    if (!question) return;
    const name = canonical(question.name);
    const failure = failures.get(name);
    if (failure === 'timeout') {
      queries.push({ name, type: question.type, outcome: 'dropped' });
      return;
    }
    const { rcode, answers } = failure ? { rcode: failure === 'servfail' ? RCODE.SERVFAIL : RCODE.REFUSED, answers: [] } : resolve(zone, question);
    queries.push({ name, type: question.type, outcome: outcomeName(rcode) });
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  };

  socket.on('message', (message, rinfo) => {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: a real server drops it too
    }
    reply(query, rinfo);
  });

  await new Promise<void>((resolveBind, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolveBind();
    });
  });
  const port = socket.address().port;

  return {
    host: '127.0.0.1',
    port,
    server: `127.0.0.1:${port}`,
    queries,
    set,
    remove: (name) => {
      zone.delete(canonical(name));
      failures.delete(canonical(name));
    },
    fail: (name, failure) => void failures.set(canonical(name), failure),
    recover: (name) => void failures.delete(canonical(name)),
    close: () => new Promise<void>((done) => socket.close(() => done())),
  };
}
