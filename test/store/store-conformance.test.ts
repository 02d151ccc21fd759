import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLeaf } from '../../src/audit/audit-leaf.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { ChainVerifier } from '../../src/audit/hash-chain.js';
import { CompactTree, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { consistencyProof, inclusionProof, rootAt } from '../../src/audit/merkle-proofs.js';
import { rowEvent, rowHash } from '../../src/audit/row-hash.js';
import type { Change } from '../../src/domain/change.js';
import { decide, expire } from '../../src/domain/decide.js';
import { claim } from '../../src/domain/execution.js';
import type { Proposal } from '../../src/domain/proposal.js';
import { allEvents, verifyLog } from '../../src/service/audit-service.js';
import type { AuditRowReader, NewDelivery, Store } from '../../src/store/store.js';
import { newProposal, person, T0 } from './store-fixtures.js';
import { STORE_KINDS, type StoreUnderTest } from './store-kinds.js';

const approve = (name: string, now = T0 + 1000) => (p: Proposal) => decide(p, { verdict: 'approve', actor: person(name), reason: 'ok', now });

async function events(store: Store) {
  const all = [];
  for await (const e of allEvents(store)) all.push(e);
  return all;
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(kind.title(`${kind.name} store conformance`), () => {
    let target: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      target = await kind.create();
      store = await target.open();
    });
    afterEach(() => target.cleanup());

    it('returns a stored proposal exactly as given, and nothing for an unknown id', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      expect(await store.getProposal(proposal.id)).toEqual(proposal);
      expect(await store.getProposal('no-such-id')).toBeUndefined();
    });

    it('stores a keyed proposal once, also when two handles race with the same key', async () => {
      const replica = await target.open();
      const tries = Array.from({ length: 6 }, () => newProposal());
      const once = { key: 'retry-1', request_hash: 'sha256:aa' };
      const results = await Promise.all(tries.map((t, i) => (i % 2 ? replica : store).insertProposal(t.proposal, t.events, once)));
      const created = results.flatMap((r, i) => (r.created ? [tries[i]!.proposal] : []));
      expect(created).toHaveLength(1);
      for (const r of results) if (!r.created) expect(r).toEqual({ created: false, existing: created[0], request_hash: 'sha256:aa' });
      expect((await events(store)).filter((e) => e.type === 'proposal.created')).toHaveLength(1);
      // The key belongs to its proposer; unkeyed proposals never collide.
      const other = newProposal();
      const byAnother = { ...other.proposal, proposer: 'agent-8' };
      expect(await store.insertProposal(byAnother, other.events, once)).toEqual({ created: true });
      const plain = [newProposal(), newProposal()];
      for (const p of plain) expect(await store.insertProposal(p.proposal, p.events)).toEqual({ created: true });
    });

    it('lists newest first, filtered by status and limited', async () => {
      const a = newProposal({ now: T0 });
      const b = newProposal({ now: T0 + 1 });
      const c = newProposal({ now: T0 + 2, required: 0 });
      for (const p of [a, b, c]) await store.insertProposal(p.proposal, p.events);
      expect((await store.listProposals({ limit: 10 })).map((p) => p.id)).toEqual([c, b, a].map((p) => p.proposal.id));
      expect((await store.listProposals({ status: 'pending', limit: 10 })).map((p) => p.id)).toEqual([b, a].map((p) => p.proposal.id));
      expect(await store.listProposals({ limit: 1 })).toHaveLength(1);
    });

    it('names only pending proposals that are overdue', async () => {
      const due = newProposal({ timeoutMs: 1000 });
      const later = newProposal({ timeoutMs: 60_000 });
      const decided = newProposal({ timeoutMs: 1000, required: 0 });
      for (const p of [due, later, decided]) await store.insertProposal(p.proposal, p.events);
      expect(await store.overdueProposalIds(new Date(T0 + 5000).toISOString(), 10)).toEqual([due.proposal.id]);
    });

    it('seals every event into one gap-free chain that verifies', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      await store.updateProposal(proposal.id, approve('alice'));
      await store.updateProposal(proposal.id, approve('bob'));
      const log = await events(store);
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(log.map((e) => e.type)).toEqual(['proposal.created', 'approval.recorded', 'approval.recorded', 'proposal.approved']);
      expect(await verifyLog(store)).toEqual({ ok: true, events: 4 });
      expect(await store.auditEventsFor(proposal.id)).toEqual(log);
      expect(await store.auditEventsAfter(2, 1)).toEqual([log[2]]);
    });

    it('reads the log as rows holding exactly the events, data stored as canonical JSON', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      await store.updateProposal(proposal.id, approve('alice'));
      await store.appendAuditEvents([{ at: new Date(T0).toISOString(), type: 'policy.loaded', proposal_id: null, actor: 'cli', reason: null, data: { z: 'é"\\', a: [1.5, null, { y: 1, b: true }] } }]);
      const log = await events(store);
      const rows = await store.auditRowsAfter(0, 100);
      expect(rows.map(rowEvent)).toEqual(log);
      expect(rows.map((r) => r[6])).toEqual(log.map((e) => canonicalJson(e.data)));
      expect(rows.map(rowHash)).toEqual(log.map((e) => e.hash));
      expect(await store.auditRowsAfter(1, 2)).toEqual(rows.slice(1, 3));
      expect(await store.auditRowsAfter(log.length, 10)).toEqual([]);
    });

    it('names a source another thread reads the same rows from, where it has one', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      await store.updateProposal(proposal.id, approve('alice'));
      const source = store.auditRowSource();
      if (source === undefined) return expect(kind.name).toBe('PostgreSQL');
      const { openAuditRows } = (await import(source.module)) as { openAuditRows: (options: unknown) => AuditRowReader };
      const reader = openAuditRows(source.options);
      try {
        expect(reader.rowsAfter(0, 100)).toEqual(await store.auditRowsAfter(0, 100));
        expect(reader.rowsAfter(1, 1)).toEqual(await store.auditRowsAfter(1, 1));
      } finally {
        reader.close();
      }
    });

    it('commits a rule’s proposal, decision and events together', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      const change = await store.updateProposal(proposal.id, approve('alice'));
      expect(change?.proposal.approvals.map((a) => a.identity)).toEqual(['alice']);
      expect(await store.getProposal(proposal.id)).toEqual(change?.proposal);
      expect(await store.listDecisions()).toEqual([change?.decision]);
    });

    it('commits nothing when the rule returns undefined, and nothing for an unknown proposal', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      const change = await store.updateProposal(proposal.id, () => undefined);
      expect(change).toEqual({ proposal, events: [] });
      expect(await store.updateProposal('no-such-id', approve('alice'))).toBeUndefined();
      expect(await events(store)).toHaveLength(1);
    });

    it('rolls the proposal back when its decision cannot be stored', async () => {
      const { proposal, events: created } = newProposal({ required: 3 });
      await store.insertProposal(proposal, created);
      const first = (await store.updateProposal(proposal.id, approve('alice')))!;
      // Same decision key again: the decisions table refuses it, so nothing of this change may stick.
      const replay = (p: Proposal): Change => ({ ...approve('bob')(p), decision: first.decision! });
      await expect(store.updateProposal(proposal.id, replay)).rejects.toThrow();
      expect(await store.getProposal(proposal.id)).toEqual(first.proposal);
      expect(await events(store)).toHaveLength(2);
    });

    it('remembers only the first view of a proposal by an identity', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      await store.recordView(proposal.id, 'alice', T0 + 10);
      await store.recordView(proposal.id, 'alice', T0 + 20);
      expect(await store.firstViewedAt(proposal.id, 'alice')).toBe(T0 + 10);
      expect(await store.firstViewedAt(proposal.id, 'bob')).toBeUndefined();
    });

    it('lists who viewed which proposals, first view only', async () => {
      const a = newProposal();
      const b = newProposal();
      for (const p of [a, b]) await store.insertProposal(p.proposal, p.events);
      await store.recordView(a.proposal.id, 'alice', T0 + 10);
      await store.recordView(a.proposal.id, 'alice', T0 + 30);
      await store.recordView(a.proposal.id, 'bob', T0 + 20);
      await store.recordView(b.proposal.id, 'carol', T0 + 5);
      expect(await store.listViews([a.proposal.id])).toEqual([
        { proposal_id: a.proposal.id, identity: 'alice', first_at: T0 + 10 },
        { proposal_id: a.proposal.id, identity: 'bob', first_at: T0 + 20 },
      ]);
      expect(await store.listViews([])).toEqual([]);
      expect((await store.listViews([a.proposal.id, b.proposal.id])).map((v) => v.identity)).toEqual(['carol', 'alice', 'bob']);
    });

    it('remembers a revoked UI session until it would have expired, on every handle', async () => {
      const replica = await target.open();
      await store.revokeSession('sid-1', T0 + 1000, T0);
      expect(await replica.sessionRevoked('sid-1')).toBe(true);
      expect(await replica.sessionRevoked('sid-2')).toBe(false);
      await store.revokeSession('sid-1', T0 + 1000, T0); // signing out twice is harmless
      await replica.revokeSession('sid-2', T0 + 9000, T0 + 2000); // and prunes what has expired
      expect(await store.sessionRevoked('sid-1')).toBe(false);
      expect(await store.sessionRevoked('sid-2')).toBe(true);
    });

    describe('webhook deliveries', () => {
      const delivery = (id: string, over: Partial<NewDelivery> = {}): NewDelivery => ({
        id, webhook: id.split('/')[0]!, event_type: 'proposal.created', proposal_id: 'p-1', seq: 1, body: `{"n":"${id}"}`,
        created_at: new Date(T0).toISOString(), next_attempt_at: T0, lease_until: 0, ...over,
      });

      it('queues each id once, keeping the first body, and lists newest first with filters', async () => {
        expect(await store.enqueueDeliveries([delivery('ops/1'), delivery('siem/1', { created_at: new Date(T0 + 1).toISOString(), proposal_id: 'p-2', seq: 7 })])).toEqual(['ops/1', 'siem/1']);
        expect(await store.enqueueDeliveries([delivery('ops/1', { body: 'second' }), delivery('ops/2')])).toEqual(['ops/2']);
        const all = await store.listDeliveries({ limit: 10 });
        expect(all.map((d) => d.id)).toEqual(['siem/1', 'ops/2', 'ops/1']);
        const { lease_until: _l, ...queued } = delivery('ops/1');
        expect(all[2]).toEqual({ ...queued, status: 'pending', attempts: 0, last_error: null, delivered_at: null });
        expect((await store.listDeliveries({ proposalIds: ['p-2'], limit: 10 })).map((d) => d.id)).toEqual(['siem/1']);
        expect(await store.listDeliveries({ status: 'delivered', limit: 10 })).toEqual([]);
        expect(await store.notifiedThroughSeq()).toBe(7);
      });

      it('leases only due deliveries nobody holds, and lets go when the lease runs out', async () => {
        await store.enqueueDeliveries([delivery('a/1'), delivery('a/2', { next_attempt_at: T0 + 5000 }), delivery('a/3', { lease_until: T0 + 3000 })]);
        expect((await store.leaseDueDeliveries(T0, 1000, 10)).map((d) => d.id)).toEqual(['a/1']);
        expect(await store.leaseDueDeliveries(T0 + 500, 1000, 10)).toEqual([]);
        expect((await store.leaseDueDeliveries(T0 + 1000, 1000, 10)).map((d) => d.id)).toEqual(['a/1']);
        expect((await store.leaseDueDeliveries(T0 + 5000, 1000, 10)).map((d) => d.id).sort()).toEqual(['a/1', 'a/2', 'a/3']);
      });

      it('records attempts: a delivered one is never leased again, a retry waits for its time', async () => {
        await store.enqueueDeliveries([delivery('a/1'), delivery('a/2')]);
        await store.leaseDueDeliveries(T0, 60_000, 10);
        const at = new Date(T0 + 10).toISOString();
        await store.recordDeliveryAttempts([
          { id: 'a/1', status: 'delivered', attempts: 1, next_attempt_at: T0, last_error: null, delivered_at: at },
          { id: 'a/2', status: 'pending', attempts: 1, next_attempt_at: T0 + 2000, last_error: 'HTTP 503', delivered_at: null },
        ]);
        expect(await store.leaseDueDeliveries(T0 + 1000, 60_000, 10)).toEqual([]);
        expect(await store.leaseDueDeliveries(T0 + 2000, 60_000, 10)).toMatchObject([{ id: 'a/2', attempts: 1, last_error: 'HTTP 503' }]);
        expect(await store.listDeliveries({ status: 'delivered', limit: 10 })).toMatchObject([{ id: 'a/1', attempts: 1, delivered_at: at }]);
      });

      it('gives each due delivery to one of two handles leasing at once', async () => {
        const replica = await target.open();
        await store.enqueueDeliveries(Array.from({ length: 40 }, (_, i) => delivery(`a/${i}`)));
        const leases = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? replica : store).leaseDueDeliveries(T0, 60_000, 10)));
        const ids = leases.flat().map((d) => d.id);
        expect(ids).toHaveLength(40);
        expect(new Set(ids).size).toBe(40);
      });
    });

    it('stores identities with their credential and audits their creation', async () => {
      const alice = person('alice');
      const record = { identity: alice, token_id: 'abcdef0123456789', token_hash: Buffer.alloc(32, 7) };
      await store.insertIdentity(record, [{ at: alice.created_at, type: 'identity.created', proposal_id: null, actor: 'test', reason: null, data: { name: 'alice' } }]);
      expect(await store.getIdentity('alice')).toEqual(alice);
      expect(await store.getIdentity('nobody')).toBeUndefined();
      expect(await store.findCredential('abcdef0123456789')).toEqual(record);
      expect(await store.findCredential('0000000000000000')).toBeUndefined();
      expect(await store.countIdentities()).toBe(1);
      await expect(store.insertIdentity(record, [])).rejects.toThrow();
      expect((await events(store)).map((e) => e.type)).toEqual(['identity.created']);
    });

    it('reports every committed change to its listeners', async () => {
      const { proposal, events: created } = newProposal();
      const heard: string[] = [];
      const unsubscribe = store.onProposalChange((id) => heard.push(id));
      await store.insertProposal(proposal, created);
      await store.updateProposal(proposal.id, approve('alice'));
      await expect.poll(() => heard, { timeout: 10_000 }).toEqual([proposal.id, proposal.id]);
      unsubscribe();
    });

    it('serialises concurrent updates of one proposal from two handles: no update is lost', async () => {
      const replica = await target.open();
      const { proposal, events: created } = newProposal({ required: 100 });
      await store.insertProposal(proposal, created);
      const names = Array.from({ length: 20 }, (_, i) => `approver-${i}`);
      await Promise.all(names.map((name, i) => (i % 2 ? replica : store).updateProposal(proposal.id, approve(name))));
      const final = (await store.getProposal(proposal.id))!;
      expect(final.approvals.map((a) => a.identity).sort()).toEqual([...names].sort());
      expect(await verifyLog(store)).toEqual({ ok: true, events: 21 });
    });

    it('grants one of eight racing claims across two handles, and refuses the rest', async () => {
      const replica = await target.open();
      const { proposal, events: created } = newProposal({ required: 0 });
      await store.insertProposal(proposal, created);
      const executor = (i: number) => person(`executor-${i}`, ['executor']);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? replica : store).updateProposal(proposal.id, (p) => claim(p, executor(i), p.action_hash, T0 + 1))),
      );
      expect(results.filter((r) => !r?.refusal)).toHaveLength(1);
      expect(results.filter((r) => r?.refusal?.code === 'already_claimed')).toHaveLength(7);
      const types = (await events(store)).map((e) => e.type);
      expect(types.filter((t) => t === 'execution.claimed')).toHaveLength(1);
      expect(await verifyLog(store)).toMatchObject({ ok: true });
    });

    it('expires an overdue proposal exactly once when two handles sweep at once', async () => {
      const replica = await target.open();
      const due = Array.from({ length: 10 }, () => newProposal({ timeoutMs: 1000 }));
      for (const p of due) await store.insertProposal(p.proposal, p.events);
      const sweep = async (s: Store) => {
        const expired: string[] = [];
        for (const id of await s.overdueProposalIds(new Date(T0 + 5000).toISOString(), 100)) {
          const change = await s.updateProposal(id, (p) => expire(p, T0 + 5000));
          if (change && change.events.length > 0) expired.push(id);
        }
        return expired;
      };
      const [a, b] = await Promise.all([sweep(store), sweep(replica)]);
      expect([...a, ...b].sort()).toEqual(due.map((p) => p.proposal.id).sort());
      const log = await events(store);
      expect(log.filter((e) => e.type === 'proposal.expired')).toHaveLength(10);
      const verifier = new ChainVerifier();
      expect(log.every((e) => verifier.push(e))).toBe(true);
    });
    it('keeps a Merkle tree over the log, also when two handles append at once: roots and proofs check out', async () => {
      const replica = await target.open();
      const batch = Array.from({ length: 12 }, () => newProposal());
      await Promise.all(batch.map((p, i) => (i % 2 ? replica : store).insertProposal(p.proposal, p.events)));
      await Promise.all(batch.slice(0, 5).map((p, i) => (i % 2 ? store : replica).updateProposal(p.proposal.id, approve('alice'))));
      const log = await events(store);
      const size = await store.auditTreeSize();
      expect(size).toBe(log.length);
      const read = (refs: Parameters<Store['merkleNodes']>[0]) => store.merkleNodes(refs);
      const roots = [new CompactTree().root()];
      const tree = new CompactTree();
      for (const e of log) {
        tree.push(eventLeaf(e));
        roots.push(tree.root());
      }
      for (let n = 1; n <= size; n++) expect((await rootAt(read, n)).equals(roots[n]!), `root at ${n}`).toBe(true);
      for (const [i, e] of log.entries()) {
        expect(verifyInclusion(i, size, eventLeaf(e), await inclusionProof(read, i, size), roots[size]!), `event ${e.seq}`).toBe(true);
      }
      for (let m = 1; m < size; m++) expect(verifyConsistency(m, size, await consistencyProof(read, m, size), roots[m]!, roots[size]!)).toBe(true);
      await expect(store.merkleNodes([{ level: 0, index: size }])).rejects.toThrow(/missing/);
    });

    it('keeps signed checkpoints: the latest is the largest tree, a second of one size is ignored', async () => {
      expect(await store.latestCheckpoint()).toBeUndefined();
      const at = new Date(T0).toISOString();
      await store.saveCheckpoint({ tree_size: 3, root_hash: 'a'.repeat(64), note: 'three\n', signed_at: at });
      await store.saveCheckpoint({ tree_size: 7, root_hash: 'b'.repeat(64), note: 'seven\n', signed_at: at });
      await store.saveCheckpoint({ tree_size: 7, root_hash: 'c'.repeat(64), note: 'other\n', signed_at: at });
      await store.saveCheckpoint({ tree_size: 5, root_hash: 'd'.repeat(64), note: 'five\n', signed_at: at });
      expect(await store.latestCheckpoint()).toEqual({ tree_size: 7, root_hash: 'b'.repeat(64), note: 'seven\n', signed_at: at });
    });
    it('appends events of no proposal to the same chain, and finds the newest of a type', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      const policyEvent = (n: number) => ({ at: new Date(T0 + n).toISOString(), type: 'policy.loaded' as const, proposal_id: null, actor: 'system', reason: `v${n}`, data: { n } });
      expect(await store.latestAuditEvent('policy.loaded')).toBeUndefined();
      await store.appendAuditEvents([policyEvent(1)]);
      await store.appendAuditEvents([policyEvent(2)]);
      expect(await store.latestAuditEvent('policy.loaded')).toMatchObject({ seq: 3, reason: 'v2', data: { n: 2 } });
      expect(await verifyLog(store)).toEqual({ ok: true, events: 3 });
      expect(await store.auditTreeSize()).toBe(3);
    });

    it('reads through a read-only handle exactly what the writer stored, and what it commits later', async () => {
      const { proposal, events: created } = newProposal();
      await store.insertProposal(proposal, created);
      await store.recordView(proposal.id, 'alice', T0 + 10);
      await store.updateProposal(proposal.id, approve('alice'));
      const at = new Date(T0).toISOString();
      await store.saveCheckpoint({ tree_size: 2, root_hash: 'a'.repeat(64), note: 'two\n', signed_at: at });
      await store.enqueueDeliveries([{ id: 'ops/1', webhook: 'ops', event_type: 'proposal.created', proposal_id: proposal.id, seq: 1, body: '{}', created_at: at, next_attempt_at: T0, lease_until: 0 }]);
      const reader = await target.openReadOnly();
      expect(await reader.getProposal(proposal.id)).toEqual(await store.getProposal(proposal.id));
      expect(await reader.listProposals({ limit: 10 })).toEqual(await store.listProposals({ limit: 10 }));
      expect(await reader.listViews([proposal.id])).toEqual(await store.listViews([proposal.id]));
      expect(await reader.listDecisions()).toEqual(await store.listDecisions());
      expect(await reader.listDeliveries({ limit: 10 })).toEqual(await store.listDeliveries({ limit: 10 }));
      expect(await reader.latestCheckpoint()).toEqual(await store.latestCheckpoint());
      expect(await reader.auditRowsAfter(0, 100)).toEqual(await store.auditRowsAfter(0, 100));
      const refs = [{ level: 1, index: 0 }, { level: 0, index: 1 }];
      expect(await reader.merkleNodes(refs)).toEqual(await store.merkleNodes(refs));
      expect(await verifyLog(reader)).toEqual({ ok: true, events: 2 });
      await store.updateProposal(proposal.id, approve('bob'));
      expect(await reader.auditTreeSize()).toBe(4);
      expect(await verifyLog(reader)).toEqual({ ok: true, events: 4 });
    });
  });
}
