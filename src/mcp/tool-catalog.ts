import type { UpstreamCalls } from './upstream-calls.js';

export type Annotations = Record<string, unknown>;
interface ToolEntry {
  name?: unknown;
  annotations?: unknown;
}

/**
 * The upstream's tool annotations, learned from the `tools/list` answers the
 * client already asked for, or fetched on first need.
 */
export function createToolCatalog(upstream: UpstreamCalls) {
  const known = new Map<string, Annotations | undefined>();
  let loading: Promise<void> | undefined;

  function learn(result: Record<string, unknown> | undefined): void {
    const tools = Array.isArray(result?.tools) ? (result.tools as ToolEntry[]) : [];
    for (const tool of tools) {
      if (typeof tool.name !== 'string') continue;
      const annotations = typeof tool.annotations === 'object' && tool.annotations !== null ? (tool.annotations as Annotations) : undefined;
      known.set(tool.name, annotations);
    }
  }

  async function loadAll(): Promise<void> {
    let cursor: unknown;
    do {
      const response = await upstream.request('tools/list', cursor === undefined ? {} : { cursor });
      if (response.error) return;
      learn(response.result);
      cursor = response.result?.nextCursor;
    } while (typeof cursor === 'string');
  }

  return {
    learn,
    /** The server said its tools changed: annotations must be read again. */
    forget(): void {
      known.clear();
      loading = undefined;
    },
    async annotationsOf(tool: string): Promise<Annotations | undefined> {
      if (!known.has(tool)) {
        loading ??= loadAll().finally(() => (loading = undefined));
        await loading;
      }
      return known.get(tool);
    },
  };
}

export type ToolCatalog = ReturnType<typeof createToolCatalog>;
