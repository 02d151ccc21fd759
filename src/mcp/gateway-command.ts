import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { parseDuration } from '../policy/duration.js';
import { createClient, type Urgency } from '../sdk/index.js';
import { runGateway, UpstreamStartError } from './gateway.js';
import { GatewayUsageError } from './gateway-usage-error.js';

export interface GatewayFlags {
  server: string;
  token?: string;
  upstreamUrl?: string;
  waitLimit: string;
  urgency: Urgency;
}

/** The upstream inherits the gateway's environment, except the agent's Countersign token. */
function upstreamEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'COUNTERSIGN_TOKEN') env[key] = value;
  return env;
}

function upstreamTransport(command: string[], upstreamUrl: string | undefined): Transport {
  if (upstreamUrl && command.length > 0) throw new GatewayUsageError('give either --upstream-url or a command after "--", not both');
  if (upstreamUrl) {
    try {
      return new StreamableHTTPClientTransport(new URL(upstreamUrl));
    } catch {
      throw new GatewayUsageError(`--upstream-url is not a URL: "${upstreamUrl}"`);
    }
  }
  const [bin, ...args] = command;
  if (!bin) throw new GatewayUsageError('name the upstream MCP server: countersign mcp-gateway [options] -- <command> [args…]');
  return new StdioClientTransport({ command: bin, args, env: upstreamEnv(), stderr: 'inherit' });
}

/** `countersign mcp-gateway`: the agent's MCP server on stdio, the real one behind the gate. */
export async function mcpGateway(command: string[], flags: GatewayFlags): Promise<void> {
  if (!flags.token) throw new GatewayUsageError('pass --token or set COUNTERSIGN_TOKEN to the agent\'s token (role: proposer)');
  const waitLimitMs = /^\d+(\.\d+)?$/.test(flags.waitLimit) ? Number(flags.waitLimit) * 1000 : parseDuration(flags.waitLimit);
  if (waitLimitMs === undefined) throw new GatewayUsageError(`--wait-limit must be a duration such as "50s" or "5m" (got "${flags.waitLimit}")`);

  const upstream = upstreamTransport(command, flags.upstreamUrl);
  const client = new StdioServerTransport();
  // The stdio transport does not notice the client going away; end of input is that signal.
  process.stdin.once('end', () => void client.close());
  const log = (line: string) => process.stderr.write(`countersign mcp-gateway: ${line}\n`);
  const { gate } = createClient({ url: flags.server, token: flags.token });
  try {
    await runGateway({ client, upstream, gate, waitLimitMs, urgency: flags.urgency, log });
  } catch (error) {
    if (error instanceof UpstreamStartError) throw new GatewayUsageError(error.message);
    throw error;
  }
}
