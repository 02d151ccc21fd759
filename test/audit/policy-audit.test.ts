import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { recordPolicy } from '../../src/service/policy-audit.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/harness.js';

describe('policy changes are audited', () => {
  it('records the first policy, nothing for the same policy again, and a change with its hash and diff', async () => {
    const store = openSqliteStore(join(tempDir(), 'p.db'));
    const clock = () => Date.parse('2026-11-25T09:00:00Z');
    try {
      const v1 = parsePolicy('{ "cost_threshold_usd": 1000, "rules": [{ "name": "prod", "match": { "environment": "production" }, "classes": ["blast_radius"] }] }');
      expect(await recordPolicy(store, v1, 'policy.yaml', clock)).toEqual(['first policy recorded']);
      expect(await recordPolicy(store, v1, 'policy.yaml', clock)).toBeUndefined();
      const v2 = parsePolicy('{ "cost_threshold_usd": 250, "rules": [{ "name": "k8s", "match": { "type": "kubernetes" }, "classes": ["irreversible"] }] }');
      const changes = await recordPolicy(store, v2, 'policy.yaml', clock);
      expect(changes).toEqual(['cost_threshold_usd: 1000 → 250', 'rule "k8s" added', 'rule "prod" removed']);
      const event = await store.latestAuditEvent('policy.loaded');
      expect(event).toMatchObject({ seq: 2, actor: 'system', reason: changes!.join('; '), data: { policy_hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), origin: 'policy.yaml' } });
      expect(event!.data.previous_hash).not.toBe(event!.data.policy_hash);

      // A webhook change is named by webhook, not by URL (a Slack URL is a secret).
      const v3 = parsePolicy('{ "cost_threshold_usd": 250, "rules": [{ "name": "k8s", "match": { "type": "kubernetes" }, "classes": ["irreversible"] }], "notifications": { "webhooks": [{ "name": "ops", "format": "slack", "url": "https://hooks.example.com/T000/B000/XXXX" }] } }');
      expect(await recordPolicy(store, v3, 'policy.yaml', clock)).toEqual(['notifications changed (webhooks: ops)']);
      expect((await store.latestAuditEvent('policy.loaded'))!.reason).not.toContain('hooks.example.com');
    } finally {
      await store.close();
    }
  });
});
