import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { addIdentity } from '../support/identities.js';
import { tempDir } from '../support/harness.js';
import { post, signIn } from '../support/ui-forms.js';

const dir = tempDir();
const db = join(dir, 'countersign.db');
const start = () => serve({ store: { db }, host: '127.0.0.1', port: 0, policy: parsePolicy('{}'), env: {}, say: () => {} });
const signedInAs = async (url: string, cookie: string) => /Signed in as <strong>([^<]+)</.exec(await (await fetch(`${url}/`, { headers: { cookie } })).text())?.[1];

let running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running) await s.close();
  running = [];
});

const aliceToken = () => addIdentity(db, `alice-${running.length}-${Date.now()}`, 'human', ['approver']);

describe('UI sessions across restarts and replicas', () => {
  it('keeps a person signed in across a server restart', async () => {
    const first = await start();
    running.push(first);
    const { cookie } = await signIn(first.url, await aliceToken());
    expect(await signedInAs(first.url, cookie)).toMatch(/^alice-/);
    await first.close();
    running = [];
    const second = await start();
    running.push(second);
    expect(await signedInAs(second.url, cookie)).toMatch(/^alice-/);
  });

  it('honours a session on every server sharing the database and key, and a sign-out on one ends it on all', async () => {
    const a = await start();
    const b = await start();
    running.push(a, b);
    const { cookie, csrf } = await signIn(a.url, await aliceToken());
    expect(await signedInAs(b.url, cookie)).toMatch(/^alice-/);
    expect((await post(b.url, '/sign-out', cookie, { csrf })).status).toBe(303);
    expect(await signedInAs(a.url, cookie)).toBeUndefined();
    expect(await signedInAs(b.url, cookie)).toBeUndefined();
    // The refused session sends the browser to sign in again.
    expect((await fetch(`${a.url}/`, { headers: { cookie }, redirect: 'manual' })).headers.get('location')).toBe('/sign-in');
  });
});
