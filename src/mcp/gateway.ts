import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Gate, Urgency } from '../sdk/index.js';
import { errorOf, type Id, isNotification, isRequest, isResponse, type Message } from './json-rpc.js';
import { createToolCallHandler } from './tool-call.js';
import { createToolCatalog } from './tool-catalog.js';
import { createUpstreamCalls } from './upstream-calls.js';

/** The upstream could not be started or reached at all; nothing was relayed. */
export class UpstreamStartError extends Error {}

export interface GatewayOptions {
  /** The agent's side: the gateway is its MCP server. */
  client: Transport;
  /** The real MCP server. */
  upstream: Transport;
  gate: Gate;
  waitLimitMs: number;
  urgency: Urgency;
  log: (line: string) => void;
}

/**
 * Relays every MCP message between client and upstream unchanged, except
 * `tools/call`, which passes the gate first. Resolves when either side closes.
 */
export async function runGateway({ client, upstream, gate, waitLimitMs, urgency, log }: GatewayOptions): Promise<void> {
  // Messages are relayed as the objects received; the SDK's type only narrows what we never build.
  const toClient = (m: Message) => client.send(m as JSONRPCMessage);
  const toUpstream = (m: Message) => upstream.send(m as JSONRPCMessage);
  const calls = createUpstreamCalls(toUpstream);
  const catalog = createToolCatalog(calls);
  let serverName: string | undefined;
  const handleToolCall = createToolCallHandler({ gate, upstream: calls, catalog, waitLimitMs, urgency, serverName: () => serverName, log });

  // Client requests whose answers the gateway reads on the way back.
  const watched = new Map<Id, string>();
  const gated = new Map<Id, AbortController>();

  client.onmessage = (raw) => {
    const message = raw as Message;
    if (isRequest(message) && message.method === 'tools/call') {
      const abort = new AbortController();
      gated.set(message.id, abort);
      handleToolCall(message, abort.signal)
        .catch((error: Error) => {
          log(`tools/call ${String(message.id)} failed: ${error.message}`);
          return errorOf(message.id, -32603, `Countersign gateway error: ${error.message}`);
        })
        .then((response) => (abort.signal.aborted ? undefined : toClient(response)))
        .catch((error: Error) => log(`answering tools/call ${String(message.id)} failed: ${error.message}`))
        .finally(() => gated.delete(message.id));
      return;
    }
    if (isRequest(message) && (message.method === 'initialize' || message.method === 'tools/list')) watched.set(message.id, message.method);
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const abort = gated.get(message.params?.requestId as Id);
      // A cancelled gated call stops waiting; the upstream never saw its id.
      if (abort) return abort.abort(new Error('cancelled by the client'));
    }
    toUpstream(message).catch((error: Error) => log(`forwarding to upstream failed: ${error.message}`));
  };

  upstream.onmessage = (raw) => {
    const message = raw as Message;
    if (isResponse(message)) {
      if (calls.settle(message)) return;
      const method = watched.get(message.id);
      watched.delete(message.id);
      if (method === 'tools/list') catalog.learn(message.result);
      if (method === 'initialize') {
        const info = message.result?.serverInfo as { name?: unknown } | undefined;
        serverName = typeof info?.name === 'string' ? info.name : undefined;
        const version = message.result?.protocolVersion;
        if (typeof version === 'string') upstream.setProtocolVersion?.(version);
      }
    }
    if (isNotification(message) && message.method === 'notifications/tools/list_changed') catalog.forget();
    toClient(message).catch((error: Error) => log(`forwarding to client failed: ${error.message}`));
  };

  let stopping = false;
  const closed = new Promise<void>((resolve) => {
    const close = (side: string) => () => {
      if (stopping) return;
      stopping = true;
      log(`${side} closed; stopping`);
      calls.failAll(new Error(`${side} closed`));
      for (const abort of gated.values()) abort.abort(new Error(`${side} closed`));
      resolve();
    };
    client.onclose = close('client');
    upstream.onclose = close('upstream');
  });
  client.onerror = (error) => log(`client transport: ${error.message}`);
  upstream.onerror = (error) => log(`upstream transport: ${error.message}`);

  try {
    await upstream.start();
  } catch (error) {
    throw new UpstreamStartError(`cannot start the upstream MCP server: ${(error as Error).message}`);
  }
  await client.start();
  await closed;
  await Promise.allSettled([client.close(), upstream.close()]);
}
