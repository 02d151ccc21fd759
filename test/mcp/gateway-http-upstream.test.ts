import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, startTestServer, type TestServer } from '../support/harness.js';
import { type RecordsServer, startRecordsServer } from './http-upstream.js';

const BIN = fileURLToPath(new URL('../../bin/countersign.js', import.meta.url));

let server: TestServer;
let upstream: RecordsServer;
let tokens: Record<'agent' | 'alice' | 'bob', string>;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer({ policy: 'mcp_tools: [{ tool: "delete*|drop*" }]' });
  upstream = await startRecordsServer({ r1: 'first record', r2: 'second record' });
  tokens = {
    agent: await server.addIdentity('agent-7', 'agent', ['proposer']),
    alice: await server.addIdentity('alice', 'human', ['approver']),
    bob: await server.addIdentity('bob', 'human', ['approver']),
  };
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await upstream.close();
  await server.close();
});

async function gatewayClient(): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  const args = [BIN, 'mcp-gateway', '--server', server.url, '--upstream-url', upstream.url];
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env: { COUNTERSIGN_TOKEN: tokens.agent }, stderr: 'ignore' }));
  clients.push(client);
  return client;
}

describe('countersign mcp-gateway --upstream-url (Streamable HTTP)', () => {
  it('relays tools/list unchanged and gates delete* by the policy rule, forwarding the approved call once', async () => {
    const direct = new Client({ name: 'direct', version: '1.0.0' });
    await direct.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));
    clients.push(direct);
    const gated = await gatewayClient();
    expect(await gated.listTools()).toEqual(await direct.listTools());

    const read = await gated.callTool({ name: 'get_record', arguments: { id: 'r1' } });
    expect(read.content).toEqual([{ type: 'text', text: 'first record' }]);

    const deleting = gated.callTool({ name: 'delete_record', arguments: { id: 'r2' } }, undefined, { timeout: 30_000 });
    let id = '';
    await vi.waitFor(async () => {
      const { body } = await api(server.url, tokens.alice).get('/v1/proposals?status=pending');
      expect(body.items).toHaveLength(1);
      id = body.items[0].id;
    }, { timeout: 15_000, interval: 100 });
    expect(upstream.deletes).toEqual([]);

    await api(server.url, tokens.alice).approve(id, 'r2 is a duplicate');
    await api(server.url, tokens.bob).approve(id, 'ok');
    expect((await deleting).content).toEqual([{ type: 'text', text: 'deleted r2' }]);
    expect(upstream.deletes).toEqual([{ id: 'r2' }]);
    expect(upstream.records.has('r2')).toBe(false);
    const { body } = await api(server.url, tokens.alice).get(`/v1/proposals/${id}`);
    expect(body.risk.reasons.join()).toContain('delete*|drop*');
    expect(body.execution.state).toBe('succeeded');
  });
});
