/**
 * The `countersign` package: what an agent imports is the SDK (also at `countersign/sdk`).
 * The server, CLI and MCP gateway run through the `countersign` binary.
 *
 * @example
 * import { createClient } from 'countersign';
 * const countersign = createClient({ url: 'http://127.0.0.1:7420', token: process.env.COUNTERSIGN_TOKEN! });
 */
export * from './sdk/index.js';
