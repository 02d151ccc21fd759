import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface RecordsServer {
  url: string;
  records: Map<string, string>;
  /** Every delete_record call that reached this server, with its arguments. */
  deletes: { id: string }[];
  close(): Promise<void>;
}

function mcpServer(state: Pick<RecordsServer, 'records' | 'deletes'>): McpServer {
  const server = new McpServer({ name: 'records', version: '1.0.0' });
  server.registerTool(
    'get_record',
    { description: 'Read one record', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true } },
    async ({ id }) => ({ content: [{ type: 'text', text: state.records.get(id) ?? 'no such record' }] }),
  );
  // No annotations: only the policy's "delete*" rule gates this one.
  server.registerTool('delete_record', { description: 'Delete one record', inputSchema: { id: z.string() } }, async ({ id }) => {
    state.deletes.push({ id });
    state.records.delete(id);
    return { content: [{ type: 'text', text: `deleted ${id}` }] };
  });
  return server;
}

/** A small MCP server over Streamable HTTP (stateless), on a loopback port. */
export async function startRecordsServer(records: Record<string, string>): Promise<RecordsServer> {
  const state = { records: new Map(Object.entries(records)), deletes: [] as { id: string }[] };
  const http: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = mcpServer(state);
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    ...state,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
