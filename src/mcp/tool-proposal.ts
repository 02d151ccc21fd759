import type { ProposalInput, Urgency } from '../sdk/index.js';
import type { Annotations } from './tool-catalog.js';

export interface ToolCall {
  tool: string;
  arguments: Record<string, unknown>;
  /** The call's `_meta`: an agent may say what and why under "countersign/what" and "countersign/why". */
  meta: Record<string, unknown>;
}

const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined);

/**
 * The proposal for one `tools/call` (DESIGN §7): `params` holds the tool, its
 * arguments and the upstream's annotations, so the policy reads them itself.
 */
export function toolProposal(call: ToolCall, annotations: Annotations | undefined, server: string | undefined, urgency: Urgency): ProposalInput {
  return {
    action: {
      type: 'mcp_tool',
      ...(server ? { target: { system: `mcp:${server}` } } : {}),
      params: { tool: call.tool, arguments: call.arguments, ...(annotations ? { annotations } : {}) },
    },
    what: text(call.meta['countersign/what'], 500) ?? `Call MCP tool "${call.tool}"${server ? ` on ${server}` : ''}`,
    why: text(call.meta['countersign/why'], 5_000) ?? 'Requested by an agent through the Countersign MCP gateway',
    blast_radius: { resources: [] },
    // Declared from the annotation so an honest destructive tool is not flagged as a mismatch.
    reversibility: { reversible: annotations?.destructiveHint !== true },
    urgency,
  };
}
