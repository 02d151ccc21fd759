import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/contract/audit-types.js';
import { parsePolicy } from '../../src/policy/policy-config.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { createIdentityService } from '../../src/service/identity-service.js';
import { hasChromium, launchChromium } from '../support/browser.js';
import { api, dropTableProposal, tempDir } from '../support/harness.js';
import { startIdp } from '../support/oidc-idp.js';
import { failureOf } from '../../src/cli/cli-exit.js';

const USERS = {
  'sub-alice': { email: 'alice@example.com', email_verified: true },
  'sub-stranger': {},
  'sub-erin': { email: 'Erin@Example.com', email_verified: true },
  'sub-mallory': { email: 'erin@example.com', email_verified: false },
};
const CLIENT = { client_id: 'countersign', client_secret: 'test client secret' };

async function startCountersign(issuer: string, extra: { tokenSignIn?: boolean; linkEmail?: boolean; clientId?: string } = {}) {
  const dir = tempDir();
  const secretFile = join(dir, 'oidc-secret');
  writeFileSync(secretFile, `${CLIENT.client_secret}\n`);
  const server = await serve({
    store: { db: join(dir, 'countersign.db') },
    host: '127.0.0.1',
    port: 0,
    policy: parsePolicy('{}'),
    env: {},
    say: () => {},
    oidc: { issuer, clientId: extra.clientId ?? CLIENT.client_id, clientSecretFile: secretFile, linkEmail: extra.linkEmail },
    tokenSignIn: extra.tokenSignIn,
  });
  return server;
}

describe.skipIf(!hasChromium)('signing in through an OpenID Provider in Chromium', { timeout: 60_000 }, () => {
  let idp: Awaited<ReturnType<typeof startIdp>>;
  let otherIdp: Awaited<ReturnType<typeof startIdp>>;
  let server: RunningServer;
  /** Links people by verified e-mail too, and offers no token sign-in. */
  let byEmail: RunningServer;
  let browser: Browser;
  let agentToken: string;

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([startIdp(USERS), startIdp(USERS)]);
    server = await startCountersign(idp.issuer);
    byEmail = await startCountersign(idp.issuer, { linkEmail: true, tokenSignIn: false, clientId: 'countersign-email' });
    // The provider knows Countersign's address only once it listens; another app is registered too.
    idp.configure([
      { ...CLIENT, base: server.url },
      { client_id: 'countersign-email', client_secret: CLIENT.client_secret, base: byEmail.url },
      { client_id: 'other-app', client_secret: 'other secret', base: server.url },
    ]);
    await createIdentityService({ store: byEmail.store, clock: Date.now }).add({ name: 'erin', kind: 'human', roles: ['approver'] }, 'test', { email: 'erin@example.com' });
    otherIdp.configure([{ ...CLIENT, base: server.url }]);
    const identities = createIdentityService({ store: server.store, clock: Date.now });
    await identities.add({ name: 'alice', kind: 'human', roles: ['approver'] }, 'test', { oidc_subject: 'sub-alice' });
    await identities.add({ name: 'carol', kind: 'human', roles: [] }, 'test');
    agentToken = (await identities.add({ name: 'agent-7', kind: 'agent', roles: ['proposer'], owner: 'carol' }, 'test')).token;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await byEmail?.close();
    await idp?.close();
    await otherIdp?.close();
  });

  const events = async (type: AuditEvent['type']) => (await server.store.auditEventsAfter(0, 10_000)).filter((e) => e.type === type);
  const signInRefusals = async () => (await events('attempt.refused')).filter((e) => e.data.attempt === 'sign_in');

  /** The provider's own login page (any login names the account), then its consent page. */
  async function logInAtProvider(page: Page, subject: string) {
    await page.locator('input[name="login"]').fill(subject);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /** Starts a sign-in in this browser profile and returns where Countersign sends the browser (the provider's authorization URL). */
  async function startFlow(context: BrowserContext): Promise<URL> {
    const response = await context.request.get(`${server.url}/sign-in/oidc`, { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    const to = new URL(response.headers().location!);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    return to;
  }

  /** Follows an authorization URL through the provider's login; resolves on Countersign's answer page. */
  async function completeAt(page: Page, authorizationUrl: URL, subject = 'sub-alice') {
    await page.goto(authorizationUrl.href);
    await logInAtProvider(page, subject);
    await page.waitForURL((url) => url.href.startsWith(server.url));
  }

  const refusalText = async (page: Page) => {
    await page.locator('#refused-title').waitFor();
    return page.getByRole('alert').innerText();
  };

  it('signs alice in through the provider, lets her approve with a reason, and signs her out at the provider', async () => {
    const { body: proposal } = await api(server.url, agentToken).propose(dropTableProposal({ urgency: 'normal' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();
    await logInAtProvider(page, 'sub-alice');
    await page.waitForURL(`${server.url}/`);
    expect(await page.locator('.who').innerText()).toBe('Signed in as alice');
    await page.locator(`tr[data-proposal-id="${proposal.id}"]`).waitFor();
    const session = (await context.cookies()).find((c) => c.name === 'cs_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.goto(`${server.url}/proposals/${proposal.id}`);
    await page.locator('#reason').fill('   ');
    await page.getByRole('button', { name: 'Approve this proposal' }).click();
    expect(await page.locator('#decide-error').innerText()).toContain('A reason is required');
    await page.locator('#reason').fill('Checked migration 42 ran; accounts has every row.');
    await page.getByRole('button', { name: 'Approve this proposal' }).click();
    await page.waitForURL(/done=approve/);
    const decided = await api(server.url, agentToken).get(`/v1/proposals/${proposal.id}`);
    expect(decided.body.approvals).toMatchObject([{ identity: 'alice', reason: 'Checked migration 42 ran; accounts has every row.' }]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click(); // the provider's own logout page
    await page.waitForURL(`${server.url}/sign-in`);
    await page.goto(`${server.url}/`);
    expect(page.url()).toBe(`${server.url}/sign-in`);
    const started = (await events('session.started')).filter((e) => e.actor === 'alice');
    expect(started[0]!.data).toMatchObject({ method: 'oidc', issuer: idp.issuer, subject: 'sub-alice' });
    expect((await events('session.ended')).map((e) => [e.actor, e.data.sid])).toContainEqual(['alice', started[0]!.data.sid]);
    await context.close();
  });

  it('refuses an unknown subject with a page that names the subject to give an admin, and audits it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await completeAt(page, await startFlow(context), 'sub-stranger');
    expect(await refusalText(page)).toContain('no Countersign identity is linked');
    expect(await page.locator('code.subject').innerText()).toBe('sub-stranger');
    expect(await page.locator('pre').innerText()).toContain('--oidc-subject sub-stranger');
    expect(await signInRefusals()).toContainEqual(expect.objectContaining({ actor: 'oidc:sub-stranger', data: expect.objectContaining({ code: 'unknown_subject', subject: 'sub-stranger' }) }));
    expect((await context.cookies()).find((c) => c.name === 'cs_session')).toBeUndefined();
    await context.close();
  });

  it('refuses the same callback used twice (replayed state), a spent code, a forged code and an error answer, and audits each', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const first = await startFlow(context);
    let callback = '';
    page.on('request', (request) => {
      if (request.url().startsWith(`${server.url}/sign-in/oidc/callback`)) callback = request.url();
    });
    await completeAt(page, first);
    await page.waitForURL(`${server.url}/`);
    const used = new URL(callback);

    // The same URL again: its state is spent.
    await page.goto(used.href);
    expect(await refusalText(page)).toContain('already used');

    // The spent code with a fresh state: the provider refuses it.
    const fresh = (await startFlow(context)).searchParams.get('state')!;
    await page.goto(`${server.url}/sign-in/oidc/callback?code=${used.searchParams.get('code')}&state=${fresh}&iss=${encodeURIComponent(idp.issuer)}`);
    expect(await refusalText(page)).toContain('refused the sign-in code');

    // A made-up code.
    const state = (await startFlow(context)).searchParams.get('state')!;
    await page.goto(`${server.url}/sign-in/oidc/callback?code=forged-code&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
    expect(await refusalText(page)).toContain('refused the sign-in code');

    // The provider says no.
    const denied = (await startFlow(context)).searchParams.get('state')!;
    await page.goto(`${server.url}/sign-in/oidc/callback?error=access_denied&error_description=cancelled&state=${denied}&iss=${encodeURIComponent(idp.issuer)}`);
    expect(await refusalText(page)).toContain('did not sign you in: access_denied (cancelled)');

    const codes = (await signInRefusals()).map((e) => e.data.code);
    expect(codes).toEqual(expect.arrayContaining(['replayed_state', 'code_refused', 'provider_error']));
    expect(codes.filter((c) => c === 'code_refused').length).toBeGreaterThanOrEqual(2);
    await context.close();
  });

  it('refuses an answer whose ID token carries another nonce', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const to = await startFlow(context);
    to.searchParams.set('nonce', 'a-nonce-this-server-never-made');
    await completeAt(page, to);
    expect(await refusalText(page)).toMatch(/failed its checks.*nonce/);
    expect((await signInRefusals()).some((e) => e.data.code === 'answer_refused' && String(e.reason).includes('nonce'))).toBe(true);
    await context.close();
  });

  it('refuses an answer from another issuer', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const to = await startFlow(context);
    const elsewhere = new URL(to.pathname + to.search, otherIdp.issuer);
    await completeAt(page, elsewhere);
    expect(await refusalText(page)).toMatch(/failed its checks.*iss/);
    await context.close();
  });

  it('refuses a code the provider issued to another client (audience)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const to = await startFlow(context);
    to.searchParams.set('client_id', 'other-app');
    await completeAt(page, to);
    expect(await refusalText(page)).toContain('refused the sign-in code');
    await context.close();
  });

  it('links a person by an e-mail address the provider has verified, and only then', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${byEmail.url}/sign-in/oidc`);
    await logInAtProvider(page, 'sub-erin');
    await page.waitForURL(`${byEmail.url}/`);
    expect(await page.locator('.who').innerText()).toBe('Signed in as erin');
    await context.close();

    const unverified = await browser.newContext();
    const other = await unverified.newPage();
    await other.goto(`${byEmail.url}/sign-in/oidc`);
    await logInAtProvider(other, 'sub-mallory');
    expect(await refusalText(other)).toContain('no Countersign identity is linked');
    await unverified.close();
  });

  it('offers no token sign-in for people when it is turned off, while agents keep their API tokens', async () => {
    const signInPage = await (await fetch(`${byEmail.url}/sign-in`)).text();
    expect(signInPage).toContain('Sign in with your identity provider');
    expect(signInPage).not.toContain('name="token"');
    const agent = await createIdentityService({ store: byEmail.store, clock: Date.now }).add({ name: 'agent-9', kind: 'agent', roles: ['proposer'], owner: 'erin' }, 'test');
    expect((await api(byEmail.url, agent.token).propose(dropTableProposal({ urgency: 'normal' }))).status).toBe(201);
  });
});

describe('starting with an identity provider', () => {
  it('stops with one line naming --oidc-issuer when the issuer cannot be reached', async () => {
    const dir = tempDir();
    const start = serve({
      store: { db: join(dir, 'countersign.db') }, host: '127.0.0.1', port: 0, policy: parsePolicy('{}'), env: {}, say: () => {},
      oidc: { issuer: 'http://127.0.0.1:9/', clientId: 'countersign' },
    });
    const error = await start.then(() => undefined, (e: unknown) => e);
    const { message, kind } = failureOf(error);
    expect(kind).toBe('invalid_input');
    expect(message).toMatch(/^--oidc-issuer: cannot read the OpenID configuration of http:\/\/127\.0\.0\.1:9\/ \(.+\)$/);
    expect(message).not.toContain('\n');
  });
});
