import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, manualClock, startTestServer, type TestServer } from '../support/harness.js';
import { post, signIn } from '../support/ui-forms.js';

describe('the approval UI over HTTP', () => {
  const clock = manualClock(Date.now());
  let server: TestServer;
  let alice: string;
  let agent: string;

  beforeAll(async () => {
    server = await startTestServer({ clock });
    alice = await server.addIdentity('alice', 'human', ['approver']);
    agent = await server.addIdentity('agent-7', 'agent', ['proposer']);
  });
  afterAll(() => server?.close());

  it('sends pages with a strict CSP and no-store caching', async () => {
    const response = await fetch(`${server.url}/sign-in`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).not.toMatch(/<script>|style="/);
  });

  it('leaves the JSON API refusing form bodies', async () => {
    const response = await api(server.url, agent).call('POST', '/v1/proposals', 'what=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const response = await post(server.url, '/sign-in', '', { csrf: 'x', token: alice });
    expect(response.status).toBe(403);
  });

  it('refuses a decision form that carries anything besides csrf, verdict and reason', async () => {
    const { body: proposal } = await api(server.url, agent).propose(dropTableProposal());
    const { cookie, csrf } = await signIn(server.url, alice);
    const bundle = await post(server.url, `/proposals/${proposal.id}/decision`, cookie, { csrf, verdict: 'approve', reason: 'ok', ids: 'a,b' });
    expect(bundle.status).toBe(400);
    const twice = await fetch(`${server.url}/proposals/${proposal.id}/decision`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}&verdict=approve&reason=ok&reason=again`,
    });
    expect(twice.status).toBe(400);
    expect((await api(server.url, alice).get(`/v1/proposals/${proposal.id}`)).body.approvals).toEqual([]);
  });

  it('refuses a post whose Origin is another site, or null, even with a valid session and token', async () => {
    const { body: proposal } = await api(server.url, agent).propose(dropTableProposal());
    const { cookie, csrf } = await signIn(server.url, alice);
    for (const origin of ['http://evil.example', 'null']) {
      const response = await post(server.url, `/proposals/${proposal.id}/decision`, cookie, { csrf, verdict: 'approve', reason: 'ok' }, { origin });
      expect(response.status).toBe(403);
    }
    expect((await api(server.url, alice).get(`/v1/proposals/${proposal.id}`)).body.approvals).toEqual([]);
  });

  it('verifies the whole log only when an auditor asks, with a CSRF token', async () => {
    await api(server.url, agent).propose(dropTableProposal());
    const auditor = await signIn(server.url, await server.addIdentity('ada', 'human', ['auditor']));
    const before = await (await fetch(`${server.url}/reports`, { headers: { cookie: auditor.cookie } })).text();
    expect(before).toContain('Not verified in full since the server started.');

    expect((await post(server.url, '/reports/verify', auditor.cookie, { csrf: 'forged' })).status).toBe(403);
    const asApprover = await signIn(server.url, alice);
    expect((await post(server.url, '/reports/verify', asApprover.cookie, { csrf: asApprover.csrf })).status).toBe(403);
    const after = await (await fetch(`${server.url}/reports`, { headers: { cookie: auditor.cookie } })).text();
    expect(after).toContain('Not verified in full since the server started.');

    const asked = await post(server.url, '/reports/verify', auditor.cookie, { csrf: auditor.csrf });
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe('/reports#log');
    const verified = await (await fetch(`${server.url}/reports`, { headers: { cookie: auditor.cookie } })).text();
    expect(verified).toMatch(/Audit log intact: \d+ events verified .* by ada/);
  });

  it('records when an approver first opens a proposal page, for review-time statistics', async () => {
    const { body: proposal } = await api(server.url, agent).propose(dropTableProposal());
    const { cookie, csrf } = await signIn(server.url, alice);
    await fetch(`${server.url}/proposals/${proposal.id}`, { headers: { cookie } });
    clock.advance(90_000);
    await post(server.url, `/proposals/${proposal.id}/decision`, cookie, { csrf, verdict: 'reject', reason: 'No rollback tested' });
    const admin = await server.addIdentity('audrey', 'human', ['auditor']);
    const report = (await api(server.url, admin).get('/v1/reports/approvers')).body;
    expect(report.approvers.find((a: { identity: string }) => a.identity === 'alice').median_review_seconds).toBe(90);
  });

  it('ends a session after eight hours and after sign-out', async () => {
    const { cookie, csrf } = await signIn(server.url, alice);
    expect((await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    await post(server.url, '/sign-out', cookie, { csrf });
    expect((await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);

    const later = await signIn(server.url, alice);
    clock.advance(8 * 3600_000);
    const expired = await fetch(`${server.url}/`, { headers: { cookie: later.cookie }, redirect: 'manual' });
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/sign-in');
    expect((await fetch(`${server.url}/ui/events`, { headers: { cookie: later.cookie } })).status).toBe(401);
  });
});
