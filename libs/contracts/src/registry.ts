import type { AnyContract } from './contract.js';
import { services, type ServiceName } from './services.js';
import { guardContracts } from './subjects/guard.js';
import { platformContracts } from './subjects/platform.js';
import { dashboardContracts } from './subjects/dashboard.js';

/** Every subject in the system. A subject is never written anywhere else. */
export const allContracts: readonly AnyContract[] = [...platformContracts, ...guardContracts, ...dashboardContracts];

const bySubject = new Map(allContracts.map((c) => [c.subject, c]));
if (bySubject.size !== allContracts.length) {
  throw new Error('Two contracts share a subject');
}

export function contractForSubject(subject: string): AnyContract | undefined {
  return bySubject.get(subject);
}

/** The subject namespace a service owns, e.g. `guard.>`. */
export function serviceNamespace(service: ServiceName): string {
  return `${services[service].subjectToken}.>`;
}

export function contractsOwnedBy(service: ServiceName): AnyContract[] {
  return allContracts.filter((c) => c.owner === service);
}
