import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, dropTableProposal, startTestServer, type TestServer } from '../support/harness.js';

const POLICY = `
approver_groups: { dba: [dana, dbabot] }
rules:
  - name: prod-sql
    match: { type: sql, environment: production }
    approver_groups: { dba: 1 }
    require_human: true
`;

describe('policy rules through the HTTP API', () => {
  let t: TestServer;
  let agent: ReturnType<typeof api>;
  const as: Record<string, ReturnType<typeof api>> = {};

  beforeAll(async () => {
    t = await startTestServer({ policy: POLICY });
    agent = api(t.url, await t.addIdentity('agent-7', 'agent', ['proposer']));
    for (const name of ['alice', 'bob', 'dana']) as[name] = api(t.url, await t.addIdentity(name, 'human', ['approver']));
    as['bot'] = api(t.url, await t.addIdentity('bot', 'agent', ['approver'], 'bob'));
    as['dbabot'] = api(t.url, await t.addIdentity('dbabot', 'agent', ['approver'], 'dana'));
  });
  afterAll(() => t.close());

  it('keeps a DROP TABLE described as cleanup pending until a member of the required group approves', async () => {
    const created = await agent.propose(dropTableProposal({ what: 'cleanup', reversibility: { reversible: true } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', required_approvals: 2, require_human: true, risk: { declared_mismatch: true } });
    expect(created.body.approver_groups).toEqual([{ group: 'dba', min: 1, members: ['dana', 'dbabot'] }]);
    const id = created.body.id;

    expect((await as['alice']!.approve(id)).body.status).toBe('pending');
    expect((await as['bob']!.approve(id)).body.status).toBe('pending');
    const last = await as['dana']!.approve(id);
    expect(last.body).toMatchObject({ status: 'approved' });
    expect(last.body.approvals).toHaveLength(3);
  });

  it('does not count an agent as the required human', async () => {
    const created = await agent.propose(dropTableProposal({ action: { type: 'sql', command: 'TRUNCATE sessions', target: { environment: 'production' } } }));
    const id = created.body.id;
    expect((await as['bot']!.approve(id)).body.status).toBe('pending');
    expect((await as['dbabot']!.approve(id)).body.status).toBe('pending'); // two principals and a DBA seat, but no human yet
    expect((await as['alice']!.approve(id)).body.status).toBe('approved');
  });
});
