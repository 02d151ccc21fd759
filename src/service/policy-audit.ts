import { SYSTEM_ACTORS } from '../domain/audit-event.js';
import { policyChanges, policyHash } from '../policy/policy-diff.js';
import type { Policy } from '../policy/policy-config.js';
import type { AuditLogStore } from '../store/audit-log-store.js';

/**
 * Audits the policy in force: when it differs from the last one recorded, a
 * `policy.loaded` event keeps its hash, a summary of the changes and the
 * policy itself (so the next change can be compared with it).
 */
export async function recordPolicy(store: AuditLogStore, policy: Policy, origin: string, clock: () => number): Promise<string[] | undefined> {
  const hash = policyHash(policy.source);
  const last = await store.latestAuditEvent('policy.loaded');
  if (last?.data.policy_hash === hash) return undefined;
  const changes = policyChanges(last?.data.policy as Record<string, unknown> | undefined, policy.source);
  await store.appendAuditEvents([
    {
      at: new Date(clock()).toISOString(),
      type: 'policy.loaded',
      proposal_id: null,
      actor: SYSTEM_ACTORS.system,
      reason: changes.join('; '),
      data: { policy_hash: hash, previous_hash: last?.data.policy_hash ?? null, origin, changes, policy: policy.source },
    },
  ]);
  return changes;
}
