import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListRootsRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { runGateway } from '../../src/mcp/gateway.js';
import { createClient } from '../../src/sdk/index.js';
import { api, startTestServer, type TestServer } from '../support/harness.js';

let countersign: TestServer;
let upstream: McpServer;
let client: Client;
let gatewayDone: Promise<void>;
let agentToken: string;

beforeAll(async () => {
  countersign = await startTestServer();
  const token = await countersign.addIdentity('agent-7', 'agent', ['proposer']);
  agentToken = token;

  upstream = new McpServer({ name: 'notes', version: '1.0.0' });
  upstream.registerResource('readme', 'notes://readme', { mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: 'read me first' }],
  }));
  upstream.registerPrompt('review', { argsSchema: { topic: z.string() } }, ({ topic }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Review ${topic}` } }],
  }));
  upstream.registerTool('count_roots', { annotations: { readOnlyHint: true } }, async () => {
    const { roots } = await upstream.server.listRoots();
    return { content: [{ type: 'text', text: `${roots.length} roots` }] };
  });

  const [upstreamSide, gatewayUpstream] = InMemoryTransport.createLinkedPair();
  const [clientSide, gatewayClient] = InMemoryTransport.createLinkedPair();
  await upstream.connect(upstreamSide);
  gatewayDone = runGateway({
    client: gatewayClient,
    upstream: gatewayUpstream,
    gate: createClient({ url: countersign.url, token }).gate,
    waitLimitMs: 5_000,
    urgency: 'normal',
    log: () => {},
  });
  client = new Client({ name: 'test-agent', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///srv/a' }, { uri: 'file:///srv/b' }] }));
  await client.connect(clientSide);
});

afterAll(async () => {
  await client.close();
  await gatewayDone;
  await countersign.close();
});

describe('the gateway relay', () => {
  it('passes the upstream server info, resources and prompts through unchanged', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'notes', version: '1.0.0' });
    expect((await client.listResources()).resources).toEqual([{ name: 'readme', uri: 'notes://readme', mimeType: 'text/plain' }]);
    expect((await client.readResource({ uri: 'notes://readme' })).contents).toEqual([{ uri: 'notes://readme', text: 'read me first' }]);
    expect((await client.getPrompt({ name: 'review', arguments: { topic: 'the plan' } })).messages[0]!.content).toEqual({
      type: 'text',
      text: 'Review the plan',
    });
  });

  it("relays the upstream's own requests to the client during a gated call (roots/list)", async () => {
    const result = await client.callTool({ name: 'count_roots', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: '2 roots' }]);
  });

  it('relays notifications from the upstream, such as tools/list_changed', async () => {
    const changed = vi.fn();
    client.setNotificationHandler(ToolListChangedNotificationSchema, changed);
    upstream.registerTool('late_tool', {}, async () => ({ content: [] }));
    await vi.waitFor(() => expect(changed).toHaveBeenCalled(), { timeout: 10_000 });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('late_tool');
  });

  it("returns the upstream's error result unchanged and records the execution as failed", async () => {
    const result = await client.callTool({ name: 'no_such_tool', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining('no_such_tool') }] });
    const { body } = await api(countersign.url, agentToken).get('/v1/proposals');
    const proposal = body.items.find((p: any) => p.action.params.tool === 'no_such_tool');
    expect(proposal.execution).toMatchObject({ state: 'failed', detail: expect.stringContaining('no_such_tool') });
  });
});
