import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, dropTableProposal, manualClock, startTestServer, tempDir, type TestServer } from '../support/harness.js';
import { hasChromium, launchChromium, needsChromium, signIn } from '../support/browser.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

// Screenshots land in docs/screenshots/ only when asked for (COUNTERSIGN_SCREENSHOTS=1), so a plain
// `npm test` never rewrites tracked files; the layout checks run every time.
const KEEP = process.env.COUNTERSIGN_SCREENSHOTS === '1';
const OUT = KEEP ? join(import.meta.dirname, '../../docs/screenshots') : tempDir('countersign-shots-');
const POLICY = 'sweep_interval: 1s\nrubber_stamp: { min_decisions: 3 }\n';
// One webhook that answers, one whose receiver refuses: both show in the notifications report.
const webhooks = (url: string) => `notifications:
  retry: { attempts: 2, first_delay: 100ms }
  webhooks:
    - { name: ops-slack, format: slack, url: "${url}/slack", events: [proposal.created, proposal.expired] }
    - { name: siem, format: json, url: "${url}/gone", secret_env: SIEM_SECRET, events: [proposal.expired] }
`;

/** Nothing wider than the window: readable without sideways scrolling. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe.skipIf(!hasChromium)(needsChromium('the approval UI at desktop and phone width'), { timeout: 60_000 }, () => {
  const clock = manualClock(Date.now());
  let server: TestServer;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let showcase: string;
  const t: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    receiver = await startWebhookReceiver((r) => (r.path === '/gone' ? 410 : 200));
    server = await startTestServer({ policy: POLICY + webhooks(receiver.url), clock, env: { SIEM_SECRET: 'screenshot-key' } });
    for (const name of ['alice', 'bob', 'dana']) t[name] = await server.addIdentity(name, 'human', ['approver']);
    t.carol = await server.addIdentity('carol', 'human', ['approver']);
    t.audrey = await server.addIdentity('audrey', 'human', ['approver', 'auditor']);
    t.agent = await server.addIdentity('agent-7', 'agent', ['proposer'], 'carol');
    t.deploy = await server.addIdentity('deploy-bot', 'agent', ['proposer'], 'dana');
    const agent = api(server.url, t.agent);
    const deploy = api(server.url, t.deploy);
    const as = (name: string) => api(server.url, t[name]);

    // One proposal left to expire, then history: alice approves everything at once, bob reads and sometimes refuses.
    const { body: purge } = await agent.propose(dropTableProposal({ what: 'Purge the audit_archive table', why: 'Disk at 91% on prod-db' }));
    clock.advance(31 * 60_000);
    // The sweeper (every 1 s) expires it.
    await vi.waitFor(async () => expect((await agent.get(`/v1/proposals/${purge.id}`)).body.status).toBe('expired'), { timeout: 20_000 });
    // Its notifications tried: the report shows who was told and what failed.
    const tried = async () => (await as('audrey').get(`/v1/notifications/deliveries?proposal_id=${purge.id}`)).body.items.map((d: { webhook: string; event_type: string; status: string }) => `${d.webhook} ${d.event_type} ${d.status}`).sort();
    await vi.waitFor(async () => expect(await tried()).toEqual(['ops-slack proposal.created delivered', 'ops-slack proposal.expired delivered', 'siem proposal.expired failed']), { timeout: 20_000 });
    for (let i = 1; i <= 4; i += 1) {
      const { body: p } = await deploy.propose(dropTableProposal({ urgency: 'normal', what: `Drop temp table import_batch_${i}` }));
      await as('alice').approve(p.id, 'fine');
      await as('bob').get(`/v1/proposals/${p.id}`);
      clock.advance((3 + i) * 60_000);
      if (i === 2) await as('bob').reject(p.id, 'Batch 2 is still referenced by the nightly job');
      else await as('bob').approve(p.id, 'Checked the batch is loaded and verified');
    }

    await deploy.propose({
      action: { type: 'terraform', command: 'terraform destroy -target=module.cdn -auto-approve' },
      what: 'Tear down the old CDN module',
      why: 'Traffic moved to the new edge on Monday; the module costs $2,400/month.',
      blast_radius: { resources: ['module.cdn'], critical_path: false },
      reversibility: { reversible: true, rollback_plan: 'terraform apply from tag v41' },
      cost_impact_usd: 2400,
      urgency: 'normal',
    });
    await agent.propose({
      action: { type: 'shell', command: 'kubectl delete namespace payments-staging --wait=false' },
      what: 'Delete the payments-staging namespace',
      why: 'Stale since the migration; frees 40 cores.',
      blast_radius: { resources: ['k8s/payments-staging'] },
      reversibility: { reversible: true },
      urgency: 'low',
    });
    const { body: drop } = await agent.propose(
      dropTableProposal({
        what: 'Drop the legacy users table',
        reversibility: { reversible: true, rollback_plan: "restore last night's snapshot (pg_restore -t users)" },
        action: {
          type: 'sql',
          command: "BEGIN;\n-- accounts replaced users in migration 42\nDROP TABLE users CASCADE;\nDELETE FROM sessions WHERE kind = 'legacy';\nCOMMIT;",
          target: { system: 'postgres://prod-db/app', environment: 'production' },
        },
      }),
    );
    await as('alice').approve(drop.id, 'Looks fine.');
    showcase = drop.id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
    if (!KEEP) rmSync(OUT, { recursive: true, force: true });
  });

  it('shows the queue readably at 1280×800 and at phone width', async () => {
    const desk = await signIn(browser, server.url, t.audrey!);
    expect(await desk.page.locator('tbody tr').count()).toBe(3);
    expect(await desk.page.locator('tbody tr').first().innerText()).toContain('triage');
    expect(await overflow(desk.page)).toBeLessThanOrEqual(0);
    await desk.page.screenshot({ path: join(OUT, 'queue.png') });
    const phone = await signIn(browser, server.url, t.audrey!, { width: 390, height: 844 });
    expect(await overflow(phone.page)).toBeLessThanOrEqual(0);
    await phone.page.screenshot({ path: join(OUT, 'queue-phone.png'), fullPage: true });
    await desk.context.close();
    await phone.context.close();
  });

  it('shows a proposal page with its declared mismatch, action, approvals and audit chain', async () => {
    const { context, page } = await signIn(browser, server.url, t.audrey!);
    await page.goto(`${server.url}/proposals/${showcase}`);
    expect(await page.locator('.notice.mismatch').innerText()).toContain('Declared mismatch');
    expect(await page.locator('.approvals-count').innerText()).toBe('1 of 2');
    expect(await page.locator('.decisions .badge.flag').first().innerText()).toBe('approves almost everything');
    expect(await page.locator('table.audit tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#notified').innerText()).toContain('ops-slack: proposal.created');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUT, 'proposal.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUT, 'proposal-phone.png'), fullPage: true });
    await context.close();
  });

  it('shows the approver report with the rubber stamp flagged, the expired proposal grouped, notifications and the log intact', async () => {
    // Reading a chain with its proofs signs a checkpoint covering the log so far.
    expect((await api(server.url, t.audrey).get(`/v1/audit/proposals/${showcase}`)).body.checkpoint).toBeDefined();
    const { context, page } = await signIn(browser, server.url, t.audrey!);
    await page.getByRole('link', { name: 'Reports' }).click();
    expect(await page.locator('tr.flagged th').first().innerText()).toBe('alice');
    expect(await page.locator('#checkpoint').innerText()).toMatch(/Newest signed checkpoint covers events 1–\d+, signed .* \(signature valid\)/);
    expect(await page.locator('#verify').innerText()).toBe('Not verified in full since the server started.');
    await page.getByRole('button', { name: 'Verify the whole log now' }).click();
    expect(await page.locator('#verify').innerText()).toMatch(/Audit log intact: \d+ events verified .* by audrey/);
    expect(await page.getByText('Purge the audit_archive table').count()).toBe(1);
    expect(await page.locator('#group-unseen').innerText()).toMatch(/^1 no approver opened it/);
    expect(await page.locator('#expired tr[data-group="unseen"]').innerText()).toContain('ops-slack: expired delivered');
    await expect.poll(() => page.reload().then(() => page.locator('#deliveries-failed').count()), { timeout: 5000 }).toBe(1);
    expect(await page.locator('#deliveries tr.flagged').first().innerText()).toContain('HTTP 410 (not retried: the receiver refused it)');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUT, 'approver-report.png'), fullPage: true });
    await context.close();
  });
});
