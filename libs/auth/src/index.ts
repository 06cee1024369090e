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
