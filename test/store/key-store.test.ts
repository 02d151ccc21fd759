import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/contract/ed25519-key.js';
import { registerKey, registerPasskey, revocationEvents } from '../../src/domain/signing-key.js';
import { verifyLog } from '../../src/service/audit-service.js';
import type { Store } from '../../src/store/store.js';
import { person, T0 } from './store-fixtures.js';
import { STORE_KINDS, type StoreUnderTest } from './store-kinds.js';

const pem = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }) as string;

async function addIdentity(store: Store, name: string) {
  await store.insertIdentity({ identity: person(name), token_id: `${name}-token`.padEnd(16, '0').slice(0, 16), token_hash: Buffer.alloc(32) }, []);
  return person(name);
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`${kind.name} key store`, () => {
    let target: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      target = await kind.create();
      store = await target.open();
    });
    afterEach(() => target.cleanup());

    it('stores a key with its key.registered event, lists it per identity and finds it by id', async () => {
      const alice = await addIdentity(store, 'alice');
      const { key, events } = registerKey(alice, { public_key: pem(), label: 'laptop' }, T0);
      expect(await store.insertKey(key, events)).toBe(true);
      expect(await store.getKey(key.key_id)).toEqual(key);
      expect(await store.listKeys('alice')).toEqual([key]);
      expect(await store.listKeys('bob')).toEqual([]);
      const logged = await store.keyEvents([key.key_id]);
      expect(logged).toMatchObject([{ type: 'key.registered', actor: 'alice', data: { key_id: key.key_id, identity: 'alice', public_key: key.public_key } }]);
      expect(await verifyLog(store)).toMatchObject({ ok: true });
    });

    it('registers one public key once, even for two handles at once, writing one event', async () => {
      const alice = await addIdentity(store, 'alice');
      const bob = await addIdentity(store, 'bob');
      const replica = await target.open();
      const text = pem();
      const a = registerKey(alice, { public_key: text }, T0);
      const b = registerKey(bob, { public_key: text }, T0);
      const results = await Promise.all([store.insertKey(a.key, a.events), replica.insertKey(b.key, b.events)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.keyEvents([a.key.key_id])).toHaveLength(1);
    });

    it('revokes a key once, also when two handles race, with one key.revoked event', async () => {
      const alice = await addIdentity(store, 'alice');
      const { key, events } = registerKey(alice, { public_key: publicKeyOf(generateKeyPairSync('ed25519').privateKey) }, T0);
      await store.insertKey(key, events);
      const replica = await target.open();
      const at = new Date(T0 + 1000).toISOString();
      const revoke = (s: Store) => s.revokeKey(key.key_id, at, 'alice', revocationEvents(key, alice, 'lost laptop', T0 + 1000));
      expect((await Promise.all([revoke(store), revoke(replica)])).filter(Boolean)).toHaveLength(1);
      expect(await store.getKey(key.key_id)).toMatchObject({ revoked_at: at, revoked_by: 'alice' });
      expect((await store.keyEvents([key.key_id])).map((e) => e.type)).toEqual(['key.registered', 'key.revoked']);
      expect(await store.revokeKey('no-such-key', at, 'alice', [])).toBe(false);
    });

    it("moves a passkey's signature counter only from the value read, once when two handles race, and never on a revoked passkey", async () => {
      const alice = await addIdentity(store, 'alice');
      const passkey = { credential_id: 'cred-1', public_key: 'pQECAyYgASFYIA', algorithm: 'ES256', sign_count: 3, rp_id: 'countersign.example' };
      const { key, events } = registerPasskey(alice, passkey, 'laptop', T0);
      expect(await store.insertKey(key, events)).toBe(true);
      expect(await store.getKey('cred-1')).toEqual(key);
      const replica = await target.open();
      expect((await Promise.all([store.advanceSignCount('cred-1', 3, 4), replica.advanceSignCount('cred-1', 3, 5)])).filter(Boolean)).toHaveLength(1);
      expect([4, 5]).toContain((await store.getKey('cred-1'))!.sign_count);
      expect(await store.advanceSignCount('cred-1', 3, 9)).toBe(false);
      await store.revokeKey('cred-1', new Date(T0 + 1).toISOString(), 'alice', revocationEvents(key, alice, undefined, T0 + 1));
      const now = (await store.getKey('cred-1'))!.sign_count;
      expect(await store.advanceSignCount('cred-1', now, now + 1)).toBe(false);
    });
  });
}
