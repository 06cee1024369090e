export * from './fakes/vault-fake.js';
