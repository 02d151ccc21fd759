import canonicalize from 'canonicalize';
import {
  CountersignSdkError,
  type Gate,
  ProposalExpired,
  ProposalRejected,
  ServerUnreachable,
  StillPending,
  type Urgency,
} from '../sdk/index.js';
import { type Request, type Response, errorOf, resultOf, toolError } from './json-rpc.js';
import type { ToolCatalog } from './tool-catalog.js';
import { type ToolCall, toolProposal } from './tool-proposal.js';
import type { UpstreamCalls } from './upstream-calls.js';

export interface ToolCallDeps {
  gate: Gate;
  upstream: UpstreamCalls;
  catalog: ToolCatalog;
  /** How long one call may wait for approval before the client hears "still awaiting approval". */
  waitLimitMs: number;
  urgency: Urgency;
  serverName: () => string | undefined;
  log: (line: string) => void;
}

/** The upstream's answer ended the call as a failure; carried so the client still receives it. */
class UpstreamFailed extends Error {}

/**
 * Gates `tools/call`: each call becomes a proposal; once approved, exactly the
 * approved arguments go upstream, once. A call repeated with the same arguments
 * while its proposal is pending waits on that proposal instead of asking again.
 */
export function createToolCallHandler({ gate, upstream, catalog, waitLimitMs, urgency, serverName, log }: ToolCallDeps) {
  const pendingByCall = new Map<string, string>();

  return async function handle(request: Request, signal: AbortSignal): Promise<Response> {
    const params = request.params ?? {};
    const call: ToolCall = {
      tool: typeof params.name === 'string' ? params.name : '',
      arguments: (params.arguments ?? {}) as Record<string, unknown>,
      meta: (params._meta ?? {}) as Record<string, unknown>,
    };
    if (!call.tool) return errorOf(request.id, -32602, 'tools/call needs a tool name in params.name');
    const key = canonicalize({ tool: call.tool, arguments: call.arguments }) ?? call.tool;

    let upstreamAnswer: Response | undefined;
    const forward = async (action: { params?: Record<string, unknown> }) => {
      const approved = action.params!;
      const answer = await upstream.request('tools/call', {
        name: approved.tool,
        arguments: approved.arguments,
        ...(params._meta ? { _meta: params._meta } : {}),
      });
      upstreamAnswer = answer;
      if (answer.error) throw new UpstreamFailed(`upstream error ${answer.error.code}: ${answer.error.message}`);
      if (answer.result?.isError === true) throw new UpstreamFailed(`tool reported an error: ${firstText(answer.result)}`);
    };

    const options = { maxWaitMs: waitLimitMs, signal };
    try {
      const known = pendingByCall.get(key);
      if (known) await gate.resume(known, forward, options);
      else {
        const proposal = toolProposal(call, await catalog.annotationsOf(call.tool), serverName(), urgency);
        await gate.run(proposal, forward, { ...options, onProposed: (p) => p.status === 'pending' && pendingByCall.set(key, p.id) });
      }
      pendingByCall.delete(key);
    } catch (error) {
      if (!(error instanceof StillPending)) pendingByCall.delete(key);
      // Once the upstream answered, the client gets that answer whatever happened around it.
      if (upstreamAnswer) {
        if (!(error instanceof UpstreamFailed)) log(`outcome of ${call.tool} not recorded: ${(error as Error).message}`);
        return { ...upstreamAnswer, id: request.id };
      }
      return resultOf(request.id, toolError(refusalText(error)));
    }
    return { ...upstreamAnswer!, id: request.id };
  };
}

function refusalText(error: unknown): string {
  if (error instanceof ProposalRejected) {
    return `Countersign: rejected by ${error.identity}: ${error.reason} (proposal ${error.proposal.id}). The tool did not run.`;
  }
  if (error instanceof ProposalExpired) {
    return `Countersign: proposal ${error.proposal.id} expired at ${error.proposal.expires_at} without a decision (a timeout, not a rejection). The tool did not run.`;
  }
  if (error instanceof StillPending) {
    return `still awaiting approval: proposal ${error.proposal.id}. The tool has not run; call it again with the same arguments to keep waiting on this proposal.`;
  }
  if (error instanceof ServerUnreachable) return `${error.message}; the tool did not run. Try again later.`;
  if (error instanceof CountersignSdkError) return `Countersign refused the call: ${error.message}. The tool did not run.`;
  return `Countersign gateway error: ${(error as Error).message}. The tool did not run.`;
}

function firstText(result: Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as { type?: string; text?: string }[]) : [];
  return content.find((c) => c.type === 'text')?.text?.slice(0, 2_000) ?? '(no text)';
}
