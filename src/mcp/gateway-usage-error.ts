/** A bad `mcp-gateway` flag or upstream command; the CLI reports it as a usage error (exit 2). */
export class GatewayUsageError extends Error {}
