import type { Action } from '../../domain/proposal-schema.js';
import { type ClassifyOptions, DEFAULT_CLASSIFY_OPTIONS } from './classify-options.js';
import { blastRadius, type Finding, irreversible, unanalysable } from './finding.js';
import { classifyMcpTool } from './mcp-tool.js';
import { classifyShell } from './shell.js';
import { classifySql } from './sql.js';
import { classifyTerraformPlan } from './terraform.js';

/** The binary a family's command starts with when the agent leaves it out ("push -f" for git). */
const FAMILY_BINARIES: Partial<Record<Action['type'], string[]>> = {
  git: ['git'],
  kubernetes: ['kubectl', 'helm', 'oc'],
  terraform: ['terraform', 'tofu', 'pulumi', 'terragrunt'],
  cloud: ['aws', 'gcloud', 'az', 'gsutil'],
};

function familyCommand(type: Action['type'], command: string): string {
  const binaries = FAMILY_BINARIES[type];
  if (!binaries) return command;
  const first = command.trim().split(/\s+/)[0]!.split('/').pop()!;
  const known = Object.values(FAMILY_BINARIES).flat().concat(['sudo', 'env', 'bash', 'sh']);
  return known.includes(first) ? command : `${binaries[0]} ${command}`;
}

function http(action: Action): Finding[] {
  const method = String(action.params?.method ?? action.command?.trim().split(/\s+/)[0] ?? '').toUpperCase();
  return method === 'DELETE' ? [irreversible('HTTP DELETE removes the resource')] : [];
}

/** Reads the action itself and names the risks it carries; the action type is a claim too. */
export function classifyAction(action: Action, options: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS): Finding[] {
  try {
    return readAction(action, options);
  } catch (error) {
    // a classifier fault must never let an action through, nor turn into a 500
    return unanalysable(`the classifier failed (${error instanceof Error ? error.message : String(error)})`);
  }
}

function readAction(action: Action, options: ClassifyOptions): Finding[] {
  const command = action.command;
  const findings: Finding[] = [];
  switch (action.type) {
    case 'sql':
      findings.push(...(command ? classifySql(command) : unanalysable('a sql action with no command to read')));
      break;
    case 'http':
      findings.push(...http(action));
      break;
    case 'mcp_tool':
      findings.push(...classifyMcpTool(action, options.mcpTools));
      break;
    case 'custom':
      if (command) findings.push(...classifyShell(command, options));
      else if (options.unknown === 'require_approval') findings.push(...unanalysable('a custom action the classifiers cannot read'));
      break;
    default: {
      const plan = action.type === 'terraform' ? action.params?.plan : undefined;
      if (plan !== undefined) findings.push(...(classifyTerraformPlan(plan) ?? unanalysable('params.plan is not a terraform plan (terraform show -json)')));
      if (command) findings.push(...classifyShell(familyCommand(action.type, command), options));
      else if (plan === undefined) findings.push(...unanalysable(`a ${action.type} action with no command to read`));
    }
  }
  const resources = action.params?.resources;
  if (Array.isArray(resources) && resources.length > 1) findings.push(blastRadius(`the action names ${resources.length} resources`));
  return findings;
}
