/**
 * Just enough JSON-RPC to route messages. The gateway forwards the original
 * objects, so messages are classified by shape and never re-parsed or rebuilt.
 */
export type Id = string | number;
export type Message = Record<string, unknown> & { jsonrpc: '2.0' };
export interface Request extends Message {
  id: Id;
  method: string;
  params?: Record<string, unknown>;
}
export interface Notification extends Message {
  method: string;
  params?: Record<string, unknown>;
}
export interface Response extends Message {
  id: Id;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export const isRequest = (m: Message): m is Request => typeof m.method === 'string' && 'id' in m;
export const isNotification = (m: Message): m is Notification => typeof m.method === 'string' && !('id' in m);
export const isResponse = (m: Message): m is Response => !('method' in m) && 'id' in m && ('result' in m || 'error' in m);

export const resultOf = (id: Id, result: Record<string, unknown>): Response => ({ jsonrpc: '2.0', id, result });
export const errorOf = (id: Id, code: number, message: string): Response => ({ jsonrpc: '2.0', id, error: { code, message } });

/** A tool result the agent reads as a failure: the text says what happened and what to do. */
export const toolError = (text: string): Record<string, unknown> => ({ content: [{ type: 'text', text }], isError: true });
