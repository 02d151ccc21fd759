import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, startTestServer, tempDir, type TestServer } from '../support/harness.js';

const BIN = fileURLToPath(new URL('../../bin/countersign.js', import.meta.url));
const FS_SERVER = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

let server: TestServer;
let tokens: Record<'agent' | 'alice' | 'bob' | 'auditor', string>;
let root: string;
const clients: Client[] = [];

async function connect(command: string, args: string[]): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }));
  clients.push(client);
  return client;
}

/** An MCP client talking to the filesystem server through `countersign mcp-gateway`. */
const throughGateway = (waitLimit = '20s') =>
  connect(process.execPath, [BIN, 'mcp-gateway', '--server', server.url, '--token', tokens.agent, '--wait-limit', waitLimit, '--', process.execPath, FS_SERVER, root]);

const text = (result: unknown) => ((result as { content: { text: string }[] }).content[0]?.text ?? '');

/** The one pending proposal, once the gateway has made it. */
async function pendingProposal() {
  let id = '';
  await vi.waitFor(async () => {
    const { body } = await api(server.url, tokens.alice).get('/v1/proposals?status=pending');
    expect(body.items).toHaveLength(1);
    id = body.items[0].id;
  }, { timeout: 15_000, interval: 100 });
  return (await api(server.url, tokens.alice).get(`/v1/proposals/${id}`)).body;
}

beforeAll(async () => {
  root = realpathSync(tempDir('countersign-fs-'));
  mkdirSync(join(root, 'protected'));
  mkdirSync(join(root, 'open'));
  server = await startTestServer({
    policy: JSON.stringify({
      mcp_tools: [
        { tool: 'move_file|write_file|create_directory', arguments: { '*': `${root}/protected/*` }, reason: 'touches the protected folder' },
      ],
    }),
  });
  tokens = {
    agent: await server.addIdentity('agent-7', 'agent', ['proposer']),
    alice: await server.addIdentity('alice', 'human', ['approver']),
    bob: await server.addIdentity('bob', 'human', ['approver']),
    auditor: await server.addIdentity('audrey', 'human', ['auditor']),
  };
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('countersign mcp-gateway in front of server-filesystem', () => {
  it("lists exactly the upstream's tools", async () => {
    const direct = await connect(process.execPath, [FS_SERVER, root]);
    const gated = await throughGateway();
    const upstreamTools = await direct.listTools();
    expect(upstreamTools.tools.length).toBeGreaterThan(5);
    expect(await gated.listTools()).toEqual(upstreamTools);
  });

  it('passes a read through at once, approved by policy', async () => {
    writeFileSync(join(root, 'open', 'notes.txt'), 'hello from the open folder');
    const gated = await throughGateway();
    const result = await gated.callTool({ name: 'read_text_file', arguments: { path: join(root, 'open', 'notes.txt') } });
    expect(text(result)).toBe('hello from the open folder');

    const { body } = await api(server.url, tokens.alice).get('/v1/proposals');
    const read = body.items.find((p: any) => p.action.params.tool === 'read_text_file');
    expect(read).toMatchObject({ status: 'approved', required_approvals: 0, execution: { state: 'succeeded' } });
    expect(read.action.params.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('holds a move out of the protected folder for two approvals, then runs it exactly once', async () => {
    const source = join(root, 'protected', 'ledger.csv');
    const destination = join(root, 'open', 'ledger.csv');
    writeFileSync(source, 'id,amount\n1,100\n');
    const gated = await throughGateway();

    const calling = gated.callTool({ name: 'move_file', arguments: { source, destination } }, undefined, { timeout: 30_000 });
    const proposal = await pendingProposal();
    expect(proposal.action).toMatchObject({ type: 'mcp_tool', params: { tool: 'move_file', arguments: { source, destination } } });
    expect(proposal.risk.classes).toEqual(['irreversible']);
    expect(existsSync(source)).toBe(true);

    expect((await api(server.url, tokens.alice).approve(proposal.id, 'ledger is archived elsewhere')).status).toBe(201);
    expect(existsSync(source)).toBe(true);
    expect((await api(server.url, tokens.bob).approve(proposal.id, 'ok to expose')).status).toBe(201);

    const result = await calling;
    expect(result.isError).toBeFalsy();
    expect(existsSync(source)).toBe(false);
    expect(readFileSync(destination, 'utf8')).toBe('id,amount\n1,100\n');

    const { body } = await api(server.url, tokens.auditor).get(`/v1/audit/proposals/${proposal.id}`);
    const types = body.events.map((e: any) => e.type);
    expect(types.filter((t: string) => t === 'execution.claimed')).toHaveLength(1);
    expect(body.events.find((e: any) => e.type === 'execution.recorded').data).toEqual({ outcome: 'succeeded' });
  });

  it('leaves the file in place when a reviewer rejects, and tells the client why', async () => {
    const source = join(root, 'protected', 'keys.txt');
    writeFileSync(source, 'secret');
    const gated = await throughGateway();

    const calling = gated.callTool({ name: 'move_file', arguments: { source, destination: join(root, 'open', 'keys.txt') } }, undefined, { timeout: 30_000 });
    const proposal = await pendingProposal();
    await api(server.url, tokens.bob).reject(proposal.id, 'keys never leave the protected folder');

    const result = await calling;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('rejected by bob: keys never leave the protected folder');
    expect(readFileSync(source, 'utf8')).toBe('secret');
    expect(existsSync(join(root, 'open', 'keys.txt'))).toBe(false);
  });

  it('answers "still awaiting approval" past the wait limit, and the same call later runs the approved proposal', async () => {
    const target = join(root, 'protected', 'plan.md');
    const gated = await throughGateway('1s');
    const call = { name: 'write_file', arguments: { path: target, content: '# plan' } };

    const first = await gated.callTool(call);
    expect(first.isError).toBe(true);
    const proposal = await pendingProposal();
    expect(text(first)).toContain(`still awaiting approval: proposal ${proposal.id}`);
    expect(existsSync(target)).toBe(false);

    await api(server.url, tokens.alice).approve(proposal.id, 'fine');
    await api(server.url, tokens.bob).approve(proposal.id, 'fine');
    const second = await gated.callTool(call);
    expect(second.isError).toBeFalsy();
    expect(readFileSync(target, 'utf8')).toBe('# plan');
    const { body } = await api(server.url, tokens.alice).get('/v1/proposals');
    expect(body.items.filter((p: any) => p.action.params?.tool === 'write_file')).toHaveLength(1);
  });
});
