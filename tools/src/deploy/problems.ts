/** One thing wrong with a deployment artifact: where (file and path inside it) and what. */
export interface Problem {
  where: string;
  message: string;
}

export function problem(where: string, message: string): Problem {
  return { where, message };
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.where}: ${p.message}`).join('\n');
}
