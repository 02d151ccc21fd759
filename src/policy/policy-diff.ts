import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json.js';

type Source = Record<string, unknown> & { rules?: { name: string }[] };

/** SHA-256 of the policy's canonical JSON: the same policy always gives the same hash. */
export const policyHash = (source: object): string => `sha256:${createHash('sha256').update(canonicalJson(source)).digest('hex')}`;

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** What changed between two policies, one short line per change. */
export function policyChanges(before: Source | undefined, after: Source): string[] {
  if (!before) return ['first policy recorded'];
  const changes: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (key === 'rules' || same(before[key], after[key])) continue;
    // Webhook URLs can be secrets (Slack's are): the log names the webhooks, not where they point.
    if (key === 'notifications') {
      const names = ((after[key] as { webhooks?: { name: string }[] } | undefined)?.webhooks ?? []).map((w) => w.name);
      changes.push(`notifications changed (webhooks: ${names.join(', ') || 'none'})`);
      continue;
    }
    changes.push(`${key}: ${canonicalJson(before[key] ?? null)} → ${canonicalJson(after[key] ?? null)}`);
  }
  const oldRules = new Map((before.rules ?? []).map((r) => [r.name, r]));
  const newRules = new Map((after.rules ?? []).map((r) => [r.name, r]));
  for (const [name, rule] of newRules) {
    if (!oldRules.has(name)) changes.push(`rule "${name}" added`);
    else if (!same(oldRules.get(name), rule)) changes.push(`rule "${name}" changed`);
  }
  for (const name of oldRules.keys()) if (!newRules.has(name)) changes.push(`rule "${name}" removed`);
  return changes;
}
