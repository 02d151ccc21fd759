import type { McpToolRule } from './mcp-tool.js';

/** What the classifiers take from the policy. */
export interface ClassifyOptions {
  /** `require_approval`: a command the classifiers do not know is treated as unanalysable. */
  unknown: 'allow' | 'require_approval';
  critical: readonly RegExp[];
  costThreshold: number;
  /** Rules for `mcp_tool` actions by tool-name glob and argument patterns. */
  mcpTools?: readonly McpToolRule[];
}

export const DEFAULT_CLASSIFY_OPTIONS: ClassifyOptions = { unknown: 'allow', critical: [], costThreshold: 1000 };
