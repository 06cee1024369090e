import { ConfigError } from '@homelab/config';
import type { CommandJudge } from '@homelab/guard-control';
import { createGuardEvaluator, defaultPolicyPath, escapeForDisplay, loadPolicy, PolicyError } from '@homelab/guard-policy';

export interface LoadedJudge extends CommandJudge {
  display(command: string): string;
}

/** The policy file (or the shipped default) compiled once; a bad file stops start-up with one line. */
export async function loadJudge(path: string | undefined): Promise<LoadedJudge> {
  let evaluator;
  try {
    evaluator = await createGuardEvaluator(await loadPolicy(path ?? defaultPolicyPath));
  } catch (error) {
    if (error instanceof PolicyError) throw new ConfigError('GUARD_POLICY_FILE', error.message);
    throw error;
  }
  return {
    evaluate: (input) => {
      const decision = evaluator.evaluate(input);
      return {
        decision: decision.decision,
        rule: decision.rule,
        reason: decision.reason,
        displayCommand: escapeForDisplay(input.command),
        checkpoint: { paths: [...decision.checkpoint.paths], containers: [...decision.checkpoint.containers] },
      };
    },
    display: escapeForDisplay,
  };
}
