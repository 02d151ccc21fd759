import type { Action } from '../../domain/proposal-schema.js';
import { blastRadius, type Finding, irreversible } from './finding.js';
import { classifyGitWords } from './git.js';
import { classifyCloudWords, classifyKubernetesWords, classifyTerraformWords } from './infrastructure.js';
import { classifyMcpTool, type McpToolRule } from './mcp-tool.js';
import { classifyShellWords, simpleCommands } from './shell.js';
import { classifySql } from './sql.js';

const BY_BINARY: Record<string, (words: string[]) => Finding[]> = {
  git: classifyGitWords,
  kubectl: classifyKubernetesWords,
  helm: classifyKubernetesWords,
  terraform: classifyTerraformWords,
  tofu: classifyTerraformWords,
  pulumi: classifyTerraformWords,
  aws: classifyCloudWords,
  gcloud: classifyCloudWords,
  az: classifyCloudWords,
};

/** Every command in a line, whatever family it belongs to: the action type is a claim too. */
function classifyCommandLine(line: string): Finding[] {
  return simpleCommands(line).flatMap((words) => {
    const bin = words[0]!.split('/').pop()!;
    const normalised = [bin, ...words.slice(1)];
    return (BY_BINARY[bin] ?? classifyShellWords)(normalised);
  });
}

/** Reads the action itself and names the risks it carries. */
export function classifyAction(action: Action, mcpToolRules: readonly McpToolRule[] = []): Finding[] {
  const command = action.command ?? '';
  const findings: Finding[] = [];
  if (action.type === 'sql') findings.push(...classifySql(command));
  else if (action.type === 'git' && command && !command.trim().startsWith('git')) findings.push(...classifyCommandLine(`git ${command}`));
  else if (command) findings.push(...classifyCommandLine(command));

  if (action.type === 'http') {
    const method = String(action.params?.method ?? command.split(/\s+/)[0] ?? '').toUpperCase();
    if (method === 'DELETE') findings.push(irreversible('HTTP DELETE removes the resource'));
  }
  if (action.type === 'mcp_tool') findings.push(...classifyMcpTool(action, mcpToolRules));
  const resources = action.params?.resources;
  if (Array.isArray(resources) && resources.length > 1) findings.push(blastRadius(`the action names ${resources.length} resources`));
  return findings;
}
