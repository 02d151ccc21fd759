import { blastRadius, type Finding, irreversible } from './finding.js';

/** terraform / tofu / pulumi commands: destroy, -destroy, -replace, state rm. */
export function classifyTerraformWords(words: string[]): Finding[] {
  const bin = words[0]!;
  const verbs = words.slice(1).filter((w) => !w.startsWith('-'));
  const flags = words.filter((w) => w.startsWith('-')).map((w) => w.replace(/^--?/, '-'));
  const [sub, second] = verbs;
  if (sub === 'destroy' || (sub === 'apply' && flags.includes('-destroy')) || (bin === 'pulumi' && sub === 'down')) {
    return [irreversible(`${bin} destroy deletes managed infrastructure`), blastRadius(`${bin} destroy affects every resource in the state${flags.some((f) => f.startsWith('-target')) ? ' it targets' : ''}`)];
  }
  const out: Finding[] = [];
  if (sub === 'state' && (second === 'rm' || second === 'delete')) out.push(irreversible(`${bin} state ${second} forgets resources so they are no longer managed`));
  if (sub === 'state' && second === 'push') out.push(irreversible(`${bin} state push overwrites the remote state`));
  if (flags.some((f) => f.startsWith('-replace'))) out.push(irreversible(`${bin} -replace destroys and recreates a resource`));
  if (bin === 'pulumi' && sub === 'stack' && second === 'rm') out.push(irreversible('pulumi stack rm deletes the stack'));
  if (sub === 'workspace' && second === 'delete') out.push(irreversible(`${bin} workspace delete drops a workspace's state`));
  if (sub === 'force-unlock') out.push(irreversible(`${bin} force-unlock can let two runs corrupt the state`));
  return out;
}

interface ResourceChange {
  address?: string;
  change?: { actions?: string[] };
}

/** Reads a plan (`terraform show -json`) for deletions and replacements, and counts what changes. */
export function classifyTerraformPlan(plan: unknown): Finding[] | undefined {
  const changes = (plan as { resource_changes?: ResourceChange[] } | null)?.resource_changes;
  if (!Array.isArray(changes)) return undefined;
  const acting = changes.filter((c) => (c.change?.actions ?? []).some((a) => a !== 'no-op' && a !== 'read'));
  const deleted = acting.filter((c) => c.change?.actions?.includes('delete'));
  const out: Finding[] = [];
  const names = (list: ResourceChange[]) => list.slice(0, 5).map((c) => c.address ?? '?').join(', ') + (list.length > 5 ? ', …' : '');
  const replaced = deleted.filter((c) => c.change?.actions?.includes('create'));
  const destroyed = deleted.filter((c) => !c.change?.actions?.includes('create'));
  if (destroyed.length) out.push(irreversible(`plan deletes ${destroyed.length} resource(s): ${names(destroyed)}`));
  if (replaced.length) out.push(irreversible(`plan replaces ${replaced.length} resource(s): ${names(replaced)}`));
  if (acting.length > 1) out.push(blastRadius(`plan changes ${acting.length} resources`));
  return out;
}
