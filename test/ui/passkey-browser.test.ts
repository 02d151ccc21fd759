import { generateKeyPairSync, sign } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionStatement } from '../../src/contract/decision-statement.js';
import { hasChromium, launchChromium, signIn } from '../support/browser.js';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';

/** A virtual platform authenticator (CDP WebAuthn domain) that verifies the user: a fingerprint that always matches. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

describe.skipIf(!hasChromium)('passkeys in Chromium', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  /** WebAuthn needs a domain, not an IP address: the browser reaches the loopback server as localhost. */
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ policy: 'signed_decisions: required' });
    base = server.url.replace('127.0.0.1', 'localhost');
    tokens.alice = await server.addIdentity('alice', 'human', ['approver']);
    tokens.bob = await server.addIdentity('bob', 'human', ['approver']);
    tokens.carol = await server.addIdentity('carol', 'human', ['approver']);
    tokens.agent = await server.addIdentity('agent-7', 'agent', ['proposer'], 'carol');
    browser = await launchChromium(['--host-resolver-rules=MAP localhost 127.0.0.1']);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers a passkey, approves with it under signed_decisions: required, and the log verifies it offline', async () => {
    const { context, page, consoleErrors, foreignRequests } = await signIn(browser, base, tokens.alice!);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByLabel('Label').fill('test laptop');
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.waitForURL(`${base}/passkeys?done=registered`);
    await page.getByRole('status').filter({ hasText: 'Your passkey is registered.' }).waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    const keyId = credentials[0]!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(await page.locator('table.passkeys tbody tr').count()).toBe(1);

    const proposed = await api(server.url, tokens.agent).propose(dropTableProposal({ urgency: 'normal' }));
    const p = proposed.body as { id: string; action_hash: string; signed_decisions: string };
    expect(p.signed_decisions).toBe('required');

    // Without a passkey the decision is refused: the token (the session) alone cannot approve.
    await page.goto(`${base}/proposals/${p.id}`);
    await page.getByLabel(/^Reason/).fill('checked the backup  ');
    await page.getByRole('button', { name: 'Approve this proposal' }).click();
    await page.locator('#decide-error', { hasText: 'needs a signed decision' }).waitFor();

    await page.getByLabel(/^Reason/).fill('checked the backup  ');
    await page.getByRole('button', { name: 'Approve with passkey' }).click();
    await page.waitForURL(`${base}/proposals/${p.id}?done=approve`);
    await page.locator('.approvals-count', { hasText: '1 of 2' }).waitFor();

    // A second person signs with a CLI key.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const bob = api(server.url, tokens.bob);
    const { body: key } = await bob.post('/v1/keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }) });
    const statement = decisionStatement({ proposal_id: p.id, action_hash: p.action_hash, decision: 'approve', reason: 'restore tested', identity: 'bob' });
    const approved = await bob.post(`/v1/proposals/${p.id}/approvals`, { reason: 'restore tested', signature: { key_id: key.key_id, sig: sign(null, statement, privateKey).toString('base64url') } });
    expect(approved.body.status).toBe('approved');

    const chain = await runCli(['audit', 'chain', p.id, '--verify', '--json', '--db', server.dbFile]);
    expect(chain.code).toBe(0);
    const events = JSON.parse(chain.stdout).events as { type: string; actor: string; signature?: unknown }[];
    expect(events.filter((e) => e.type === 'approval.recorded').map((e) => [e.actor, e.signature])).toEqual([
      ['alice', { kind: 'passkey', key_id: keyId, verified: true }],
      ['bob', { kind: 'key', key_id: key.key_id, verified: true }],
    ]);
    expect(consoleErrors.filter((e) => !e.includes('403'))).toEqual([]);
    expect(foreignRequests).toEqual([]);
    await context.close();
  });
});
