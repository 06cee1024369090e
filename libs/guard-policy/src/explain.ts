import type { Decision, FiredRule, JudgedCommand } from './evaluate.js';
import { escapeForDisplay } from './unicode.js';

function quote(arg: string): string {
  const shown = escapeForDisplay(arg);
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(shown) ? shown : JSON.stringify(shown);
}

function firedLine(rule: FiredRule): string {
  return `${rule.decision.padEnd(8)} ${rule.id}${rule.certain ? '' : ' (possible match)'}: ${rule.reason}`;
}

function describeCommand(command: JudgedCommand, indent: string, lines: string[]): void {
  const verdict = command.decision === null ? 'no rule names this wrapper: judged through its inner command' : `${command.decision} (${command.rule})`;
  lines.push(`${indent}#${command.id} ${escapeForDisplay(command.text.replace(/\n/g, '⏎'))}`);
  const inner = `${indent}   `;
  const program = command.program === null ? '(unknown: from an expansion)' : command.program === '>' ? '> (writes a file)' : command.program === '<' ? '< (reads a file)' : command.program;
  lines.push(`${inner}kind: ${command.kind}   program: ${program}${command.programPath ? `   path: ${command.programPath}` : ''}`);
  if (command.args.length > 0) lines.push(`${inner}args: ${command.args.map(quote).join(' ')}`);
  if (command.env.length > 0) lines.push(`${inner}env: ${command.env.join(', ')}`);
  if (command.stdin !== 'none') lines.push(`${inner}stdin: ${command.stdin}`);
  if (command.via.length > 0) lines.push(`${inner}via: ${command.via.join(' → ')}`);
  if (command.executes) lines.push(`${inner}runs: ${command.executes}`);
  if (command.fired.length === 0) lines.push(`${inner}rules: none fired`);
  else {
    lines.push(`${inner}rules:`);
    for (const rule of command.fired) lines.push(`${inner}  ${firedLine(rule)}`);
  }
  lines.push(`${inner}⇒ ${verdict}`);
}

/** A readable account of a decision: every simple command, its wrappers, and each rule that fired. */
export function formatExplanation(decision: Decision): string {
  const lines: string[] = [];
  lines.push(`command:  ${decision.displayCommand.replace(/\n/g, '\n          ')}`);
  lines.push(`decision: ${decision.decision}`);
  lines.push(`rule:     ${decision.rule}`);
  lines.push(`reason:   ${decision.reason}`);
  if (decision.findings.length > 0) {
    lines.push('', 'findings about the whole command:');
    for (const finding of decision.findings) lines.push(`  ${firedLine(finding)}`);
  }
  if (decision.commands.length > 0) {
    lines.push('', 'commands (wrapped commands are indented under their wrapper):');
    const children = new Map<number | null, JudgedCommand[]>();
    for (const command of decision.commands) {
      const list = children.get(command.parent) ?? [];
      list.push(command);
      children.set(command.parent, list);
    }
    const visit = (parent: number | null, indent: string): void => {
      for (const command of children.get(parent) ?? []) {
        describeCommand(command, indent, lines);
        visit(command.id, `${indent}    `);
      }
    };
    visit(null, '  ');
  }
  const { paths, containers } = decision.checkpoint;
  lines.push('', `checkpoint: paths: ${paths.length > 0 ? paths.join(', ') : '-'}; containers: ${containers.length > 0 ? containers.join(', ') : '-'}`);
  return lines.join('\n');
}
