export * from './roles.js';
export * from './roles.guard.js';
export {
  hashPassword,
  verifyPassword,
  needsRehash,
  isVerifiableHash,
  PASSWORD_HASH_PARAMS,
  MAX_PASSWORD_LENGTH,
} from './password.js';
export * from './password-strength.js';
export * from './pkce.js';
export * from './oauth-state.js';
export * from './local-strategy.js';
export * from './oidc.js';
export * from './oidc-strategy.js';
export * from './passport-runner.js';
export * from './route-policy.js';
export * from './auth-errors.js';
export * from './session-token.js';
export * from './csrf.js';
export * from './user.js';
export * from './users.repository.js';
export * from './session-store.js';
export * from './sessions.repository.js';
export * from './session-manager.js';
export * from './pg-rate-limit.store.js';
export * from './request-origin.js';
export * from './sealed-oauth-state.js';
