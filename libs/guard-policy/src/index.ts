import { fileURLToPath } from 'node:url';

export {
  createGuardEvaluator,
  isRiskyEnvironmentName,
  type Checkpoint,
  type Decision,
  type DecisionKind,
  type EvaluationRequest,
  type FiredRule,
  type GuardEvaluator,
  type JudgedCommand,
} from './evaluate.js';
export { formatExplanation } from './explain.js';
export { loadPolicy, parsePolicy, PolicyError } from './policy/load.js';
export type { CompiledRule, Policy, PolicySettings } from './policy/compile.js';
export type { PolicyDocument, RuleDocument, MatchDocument } from './policy/schema.js';
export { escapeForDisplay, scanUnicode, type UnicodeScan } from './unicode.js';
export { knownWrappers } from './shell/unwrap.js';

/**
 * The documented default policy shipped in the repository
 * (apps/jarvis-guard/policy/default-policy.yaml), resolved from this file so
 * it does not depend on the working directory (src/ and dist/ sit at the same depth).
 */
export const defaultPolicyPath: string = fileURLToPath(new URL('../../../apps/jarvis-guard/policy/default-policy.yaml', import.meta.url));
