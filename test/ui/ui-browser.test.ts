import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, manualClock, startTestServer, type TestServer } from '../support/harness.js';
import { hasChromium, launchChromium, liveReady, needsChromium, signIn } from '../support/browser.js';

// Triage proposals expire after 5 s and the sweeper runs every second; the server's clock
// (and, in the countdown test, the page's) moves only when a test moves it, so the countdown
// test sees each step whatever the load. Every other test proposes at `normal` urgency.
const POLICY = 'timeouts: { triage: 5s }\nsweep_interval: 1s\n';
const normal = (overrides: Record<string, unknown> = {}) => dropTableProposal({ urgency: 'normal', ...overrides });

describe.skipIf(!hasChromium)(needsChromium('the approval UI in Chromium'), { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const clock = manualClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer({ policy: POLICY, clock });
    tokens.alice = await server.addIdentity('alice', 'human', ['approver']);
    tokens.bob = await server.addIdentity('bob', 'human', ['approver']);
    tokens.carol = await server.addIdentity('carol', 'human', ['approver']);
    tokens.agent = await server.addIdentity('agent-7', 'agent', ['proposer'], 'carol');
    tokens.audrey = await server.addIdentity('audrey', 'human', ['auditor']);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const agent = () => api(server.url, tokens.agent);

  it('signs a person in with their token into an HttpOnly, SameSite=Strict session, and refuses an agent', async () => {
    const { context, page } = await signIn(browser, server.url, tokens.alice!);
    expect(await page.locator('.who').innerText()).toBe('Signed in as alice');
    const session = (await context.cookies()).find((c) => c.name === 'cs_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/sign-in`);
    await page.goto(`${server.url}/`);
    expect(page.url()).toBe(`${server.url}/sign-in`);

    await page.getByLabel('Token').fill(tokens.agent!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('is an agent');
    await context.close();
  });

  it('shows a new proposal in the queue without reloading', async () => {
    const { context, page, foreignRequests } = await signIn(browser, server.url, tokens.alice!);
    await liveReady(page);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const created = await agent().propose(normal({ what: 'Drop the staging cache table' }));
    expect(created.status).toBe(201);
    const row = page.locator(`tr[data-proposal-id="${created.body.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.innerText()).toMatch(/Drop the staging cache table[\s\S]*agent-7 \(owner carol\)[\s\S]*0 of 2/);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(foreignRequests).toEqual([]);
    await context.close();
  });

  it('refuses an approval without a reason, then counts alice and bob as two distinct approvals', async () => {
    const { body: proposal } = await agent().propose(normal());
    const alice = await signIn(browser, server.url, tokens.alice!);
    await alice.page.goto(`${server.url}/proposals/${proposal.id}`);
    await liveReady(alice.page);

    // The browser refuses an empty reason; the server refuses a blank one.
    await alice.page.getByRole('button', { name: 'Approve this proposal' }).click();
    expect(await alice.page.locator('#reason').evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
    await alice.page.locator('#reason').fill('   ');
    await alice.page.getByRole('button', { name: 'Approve this proposal' }).click();
    expect(await alice.page.locator('#decide-error').innerText()).toContain('A reason is required');
    expect((await api(server.url, tokens.alice).get(`/v1/proposals/${proposal.id}`)).body.approvals).toEqual([]);

    await alice.page.locator('#reason').fill('Checked migration 42 ran; accounts has every row.');
    await alice.page.getByRole('button', { name: 'Approve this proposal' }).click();
    expect(await alice.page.getByRole('status').innerText()).toContain('Your approval is recorded');
    expect(await alice.page.locator('.approvals-count').innerText()).toBe('1 of 2');
    expect(await alice.page.getByRole('button', { name: 'Approve this proposal' }).isDisabled()).toBe(true);
    await liveReady(alice.page);

    // Bob decides with the keyboard alone: type the reason, Tab to Approve, Enter.
    const bob = await signIn(browser, server.url, tokens.bob!);
    await bob.page.goto(`${server.url}/proposals/${proposal.id}`);
    await bob.page.locator('#reason').focus();
    await bob.page.keyboard.type('Snapshot verified restorable this morning.');
    await bob.page.keyboard.press('Tab');
    expect(await bob.page.evaluate(() => document.activeElement?.textContent)).toBe('Approve this proposal');
    await bob.page.keyboard.press('Enter');
    await bob.page.waitForURL(/done=approve/);
    expect(await bob.page.locator('#summary [data-status]').getAttribute('data-status')).toBe('approved');

    // Alice's open page turns approved by itself.
    await alice.page.locator('#summary [data-status="approved"]').waitFor({ timeout: 20_000 });
    const stored = (await api(server.url, tokens.alice).get(`/v1/proposals/${proposal.id}`)).body;
    expect(stored.status).toBe('approved');
    expect(stored.approvals.map((a: { identity: string }) => a.identity)).toEqual(['alice', 'bob']);
    await alice.context.close();
    await bob.context.close();
  });

  it("shows the agent's owner disabled buttons with the reason", async () => {
    const { body: proposal } = await agent().propose(normal());
    const { context, page } = await signIn(browser, server.url, tokens.carol!);
    await page.goto(`${server.url}/proposals/${proposal.id}`);
    expect(await page.getByRole('button', { name: 'Approve this proposal' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reject this proposal' }).isDisabled()).toBe(true);
    expect(await page.locator('#decide-blocked').innerText()).toContain('"carol" is behind the proposer "agent-7"; two other people must decide.');
    await context.close();
  });

  it('renders hostile proposal text as text and runs none of it', async () => {
    const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const { body: proposal } = await agent().propose(
      normal({
        what: `<b>bold</b> ${hostile}`,
        why: `Looks routine. ${hostile}`,
        action: { type: 'shell', command: `echo '${hostile}' > /etc/motd` },
        reversibility: { reversible: false, rollback_plan: hostile },
      }),
    );
    const { context, page, consoleErrors, foreignRequests } = await signIn(browser, server.url, tokens.alice!);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.goto(`${server.url}/proposals/${proposal.id}`);
    expect(await page.locator('.why').innerText()).toBe(`Looks routine. ${hostile}`);
    expect(await page.locator('h1.what').innerText()).toBe(`<b>bold</b> ${hostile}`);
    expect(await page.locator('pre.code').first().innerText()).toContain(hostile);
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    await page.goto(`${server.url}/`);
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('refuses a cross-site form post and a post without the CSRF token', async () => {
    const { body: proposal } = await agent().propose(normal());
    const target = `${server.url}/proposals/${proposal.id}/decision`;
    // Another site on the same host (another port): the browser still sends cookies, so only the checks stop it.
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form method="post" action="${target}"><input name="verdict" value="approve"><input name="reason" value="lgtm"><button>Win a prize</button></form>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const port = (attacker.address() as { port: number }).port;
    const { context, page } = await signIn(browser, server.url, tokens.alice!);
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      const [response] = await Promise.all([page.waitForResponse(target), page.getByRole('button', { name: 'Win a prize' }).click()]);
      expect(response.status()).toBe(403);
      expect(await page.getByRole('alert').innerText()).toContain('must come from this site');

      // Same origin but no token (say, injected markup that posts a form): refused too.
      await page.goto(`${server.url}/proposals/${proposal.id}`);
      const status = await page.evaluate(async (url) => {
        const r = await fetch(url, { method: 'POST', body: new URLSearchParams({ verdict: 'approve', reason: 'lgtm' }) });
        return { status: r.status, text: await r.text() };
      }, target);
      expect(status.status).toBe(403);
      expect(status.text).toContain('CSRF token');
      expect((await api(server.url, tokens.alice).get(`/v1/proposals/${proposal.id}`)).body.approvals).toEqual([]);
    } finally {
      await context.close();
      await new Promise((resolve) => attacker.close(resolve));
    }
  });

  it('counts down to zero and shows the proposal expired', async () => {
    const { context, page } = await signIn(browser, server.url, tokens.alice!);
    const { body: proposal } = await agent().propose(dropTableProposal({ urgency: 'triage', what: 'Rotate the prod TLS key now' }));
    await page.clock.setFixedTime(clock());
    await page.goto(`${server.url}/proposals/${proposal.id}`);
    await liveReady(page);
    const countdown = page.locator('#summary .countdown');
    expect(await countdown.innerText()).toBe('0:05 left');
    await page.clock.setFixedTime(clock() + 2_000);
    await expect.poll(() => countdown.innerText(), { timeout: 10_000 }).toBe('0:03 left');
    await page.clock.setFixedTime(clock() + 5_000);
    await expect.poll(() => countdown.innerText(), { timeout: 10_000 }).toBe('expiring now');
    clock.advance(5_000); // the sweeper expires it, and the page hears of it
    await page.locator('#summary [data-status="expired"]').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Approve this proposal' }).isDisabled()).toBe(true);
    expect(await page.locator('#decide-blocked').innerText()).toContain('already expired');
    await context.close();
  });
});
