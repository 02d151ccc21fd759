// Each command imports what it runs when it runs (`await import(…)` in its action): `--help` or a
// client command does not load the server, the database drivers or the policy's parsers.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { actionHash } from '../contract/canonical-json.js';
import type { Proposal } from '../contract/proposal-types.js';
import type { GatewayFlags } from '../mcp/gateway-command.js';
import type { Policy } from '../policy/policy-config.js';
import type { StoreLocation } from '../store/open-store.js';
import type { ReadOnlyStore, Store } from '../store/store.js';
import { apiClient } from './api-client.js';
import type { KeyFlags } from './audit-keys.js';
import { usageError } from './cli-error.js';
import { exitCodeOf, failureOf } from './cli-exit.js';
import { fileError } from './file-errors.js';
import { CLIENT_HELP, EXIT_CODES_HELP } from './help-text.js';
import { parseJsonObject, parseJsonText } from './json-text.js';
import { serverUrl } from './server-url.js';
import { stopOnSignals } from './shutdown-signals.js';
import { type DeliveryRow, type ExpiredReport, formatDelivery, formatExpiredReport, formatProposal, formatRow } from './format.js';
import { keyCommands, signedDecisionBody } from './key-commands.js';
import { type OidcFlags, oidcOptions } from './oidc-flags.js';

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const program = new Command('countersign')
  .description('A two-person approval gate between AI agents and irreversible actions')
  .version('0.1.0')
  .configureOutput({ outputError: (text, write) => write(`countersign: ${text.replace(/^error: /, '')}`) })
  .addHelpText('after', EXIT_CODES_HELP)
  .exitOverride();

// A closed pipe (`countersign audit export | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

interface StoreFlags {
  db: string;
  databaseUrl?: string;
}
const storeOptions = (cmd: Command) =>
  cmd
    .option('--db <file>', 'SQLite database file', './countersign.db')
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL').env('COUNTERSIGN_DATABASE_URL'));
const location = (flags: StoreFlags): StoreLocation => ({ db: flags.db, databaseUrl: flags.databaseUrl });

async function withStore<T>(flags: StoreFlags, use: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/open-store.js');
  return using(await openStore(location(flags)), use);
}

/** For the auditor commands: the database opened read-only, so checking it never changes it. */
async function withReadOnlyStore<T>(flags: StoreFlags, use: (store: ReadOnlyStore) => Promise<T>): Promise<T> {
  const { openReadOnlyStore } = await import('../store/open-store.js');
  return using(await openReadOnlyStore(location(flags)), use);
}

async function using<S extends { close(): Promise<void> }, T>(store: S, use: (store: S) => Promise<T>): Promise<T> {
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be an integer from 0 to 65535 (got "${value}")`);
  return port;
}

storeOptions(program.command('serve').description('run the API, the approval UI and the expiry sweeper'))
  .addOption(new Option('--checkpoint-key <file>', 'checkpoint signing key file, created on first start (default: beside the SQLite file, or ./countersign.checkpoint-key)').env('COUNTERSIGN_CHECKPOINT_KEY_FILE'))
  .addOption(new Option('--checkpoint-webhook <url>', 'POST every new signed checkpoint to this external witness').env('COUNTERSIGN_CHECKPOINT_WEBHOOK'))
  .option('--port <n>', 'port to listen on', '7420')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--policy <file>', 'policy file (YAML or JSON)')
  .addOption(new Option('--oidc-issuer <url>', 'sign people in to the UI through this OpenID Provider').env('COUNTERSIGN_OIDC_ISSUER'))
  .addOption(new Option('--oidc-client-id <id>', 'this server\'s client id at the provider').env('COUNTERSIGN_OIDC_CLIENT_ID'))
  .addOption(new Option('--oidc-client-secret-file <file>', 'a file holding the client secret (none: a public client with PKCE)').env('COUNTERSIGN_OIDC_CLIENT_SECRET_FILE'))
  .addOption(new Option('--oidc-link-email', 'also link people by e-mail addresses the provider has verified').env('COUNTERSIGN_OIDC_LINK_EMAIL'))
  .addOption(new Option('--public-url <url>', 'this server as browsers reach it (the provider redirects to <url>/sign-in/oidc/callback)').env('COUNTERSIGN_PUBLIC_URL'))
  .option('--no-token-sign-in', 'people sign in only through the identity provider (agents keep their API tokens)')
  .action(async (flags: StoreFlags & { port: string; host: string; policy?: string; checkpointKey?: string; checkpointWebhook?: string } & OidcFlags) => {
    const policy = await policyFrom(flags.policy);
    const { serve } = await import('../server/serve.js');
    const server = await serve({ store: location(flags), host: flags.host, port: parsePort(flags.port), policy, say: out, checkpointKeyFile: flags.checkpointKey, checkpointWebhook: flags.checkpointWebhook, policyOrigin: flags.policy, ...oidcOptions(flags) });
    out(`Countersign listening on ${server.url} (${flags.databaseUrl ? 'PostgreSQL' : `database ${flags.db}`})`);
    stopOnSignals(() => server.close(), out);
  });

const identity = program.command('identity').description('manage identities (works on the database directly)');
storeOptions(identity.command('add <name>').description('add an identity and print its token (shown once)'))
  .requiredOption('--kind <kind>', 'human or agent')
  .option('--owner <name>', 'the identity this one acts for (an agent\'s owner, or an alias\'s person)')
  .option('--roles <roles>', 'comma-separated: proposer, approver, executor, auditor, admin', '')
  .option('--oidc-subject <sub>', 'a person: the subject ("sub") your identity provider gives them, to sign in to the UI')
  .option('--email <address>', 'a person: the e-mail address that signs them in when the provider has verified it (serve --oidc-link-email)')
  .option('--json', 'print JSON')
  .option('--quiet', 'print only the token')
  .action(async (name: string, flags: StoreFlags & { kind: string; owner?: string; roles: string; oidcSubject?: string; email?: string; json?: boolean; quiet?: boolean }) => {
    const { createIdentityService } = await import('../service/identity-service.js');
    await withStore(flags, async (store) => {
      const roles = flags.roles.split(',').map((r) => r.trim()).filter(Boolean);
      const { identity: added, token } = await createIdentityService({ store, clock: Date.now }).add(
        { name, kind: flags.kind, owner: flags.owner ?? null, roles },
        'cli',
        { oidc_subject: flags.oidcSubject, email: flags.email },
      );
      if (flags.json) return out(JSON.stringify({ name: added.name, token }));
      if (flags.quiet) return out(token);
      out(`Added ${added.kind} "${added.name}"${added.owner ? ` (acts for ${added.principal})` : ''} with roles: ${added.roles.join(', ') || 'none'}.`);
      out(`Token (shown only once):\n${token}`);
    });
  });

// Client commands talk to a running server.
const clientCommand = (name: string, description: string) =>
  program
    .command(name)
    .description(description)
    .addOption(new Option('--server <url>', 'Countersign server URL').env('COUNTERSIGN_URL').default('http://127.0.0.1:7420').argParser(serverUrl))
    .option('--json', 'print JSON')
    .addHelpText('after', CLIENT_HELP);
type ClientFlags = { server: string; json?: boolean };
const client = (flags: ClientFlags) => apiClient({ server: flags.server, token: process.env.COUNTERSIGN_TOKEN });
const printProposal = (p: Proposal, flags: ClientFlags): void => out(flags.json ? JSON.stringify(p) : formatProposal(p));
const path = (id: string) => `/v1/proposals/${encodeURIComponent(id)}`;

clientCommand('propose', 'propose an action from a JSON file ("-" reads stdin)')
  .argument('<file>')
  .option('--quiet', 'print only the proposal id')
  .option('--idempotency-key <key>', 'your name for this proposal: running the command again with it proposes nothing new')
  .action(async (file: string, flags: ClientFlags & { quiet?: boolean; idempotencyKey?: string }) => {
    const headers: Record<string, string> = flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {};
    const proposal = await client(flags)<Proposal>('POST', '/v1/proposals', await readJson(file), headers);
    if (flags.quiet) return out(proposal.id);
    printProposal(proposal, flags);
  });

clientCommand('list', 'list proposals, newest first')
  .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'approved', 'rejected', 'expired']))
  .action(async (flags: ClientFlags & { status?: string }) => {
    const { items } = await client(flags)<{ items: Proposal[] }>('GET', `/v1/proposals${flags.status ? `?status=${flags.status}` : ''}`);
    if (flags.json) return out(JSON.stringify({ items }));
    if (items.length === 0) return out('no proposals');
    items.forEach((p) => out(formatRow(p)));
  });

clientCommand('show', 'show one proposal')
  .argument('<id>')
  .action(async (id: string, flags: ClientFlags) => printProposal(await client(flags)<Proposal>('GET', path(id)), flags));

for (const [verb, route] of [['approve', 'approvals'], ['reject', 'rejections']] as const) {
  clientCommand(verb, `${verb} one proposal (a reason is required)`)
    .argument('<id>')
    .requiredOption('--reason <text>', 'why you decide so (recorded in the audit log)')
    .addOption(new Option('--key <file>', 'sign the decision with this registered private key (see "countersign key create")').env('COUNTERSIGN_SIGNING_KEY'))
    .action(async (id: string, flags: ClientFlags & { reason: string; key?: string }) => {
      const call = client(flags);
      const body = flags.key ? await signedDecisionBody(call, id, verb, flags.reason, flags.key) : { reason: flags.reason };
      printProposal(await call<Proposal>('POST', `${path(id)}/${route}`, body), flags);
    });
}
keyCommands(program, out);

clientCommand('wait', 'wait until a proposal is decided (exit 0 approved, 1 otherwise)')
  .argument('<id>')
  .option('--timeout <seconds>', 'give up after this many seconds', '300')
  .action(async (id: string, flags: ClientFlags & { timeout: string }) => {
    const seconds = Number(flags.timeout);
    if (!Number.isFinite(seconds) || seconds < 0) throw usageError(`--timeout must be a number of seconds (got "${flags.timeout}")`);
    const call = client(flags);
    const deadline = Date.now() + seconds * 1000;
    let proposal: Proposal;
    do {
      const wait = Math.min(300, Math.max(0, (deadline - Date.now()) / 1000));
      proposal = await call<Proposal>('GET', `${path(id)}/decision?wait=${wait.toFixed(3)}`);
    } while (proposal.status === 'pending' && Date.now() < deadline);
    printProposal(proposal, flags);
    if (proposal.status !== 'approved') process.exitCode = 1;
  });

clientCommand('claim', 'claim the one execution of an approved proposal')
  .argument('<id>')
  .option('--action-hash <hash>', 'the action_hash of the action you are about to run')
  .option('--action-file <file>', 'a proposal or action JSON file: its action is hashed here, so the claim binds to what you will run')
  .action(async (id: string, flags: ClientFlags & { actionHash?: string; actionFile?: string }) => {
    if (!flags.actionHash === !flags.actionFile) throw usageError('give exactly one of --action-hash or --action-file');
    const hash = flags.actionHash ?? actionHashOfFile(await readJson(flags.actionFile!));
    const { grant } = await client(flags)<{ grant: Record<string, unknown> }>('POST', `${path(id)}/execution`, { action_hash: hash });
    out(flags.json ? JSON.stringify({ grant }) : `Claimed: run exactly this action once, then record the outcome.\n${JSON.stringify(grant.action, null, 2)}`);
  });

clientCommand('notifications', 'list webhook deliveries, newest first, with their results (auditor or admin)')
  .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'delivered', 'failed']))
  .option('--proposal <id>', 'only deliveries about this proposal')
  .option('--limit <n>', 'at most this many (1-1000)', '100')
  .action(async (flags: ClientFlags & { status?: string; proposal?: string; limit: string }) => {
    const query = new URLSearchParams({ limit: flags.limit, ...(flags.status ? { status: flags.status } : {}), ...(flags.proposal ? { proposal_id: flags.proposal } : {}) });
    const { items } = await client(flags)<{ items: DeliveryRow[] }>('GET', `/v1/notifications/deliveries?${query}`);
    if (flags.json) return out(JSON.stringify({ items }));
    if (items.length === 0) return out('no deliveries');
    items.forEach((d) => out(formatDelivery(d)));
  });

clientCommand('expired', 'review expired proposals: grouped, with who opened them and who was notified (auditor or admin)')
  .action(async (flags: ClientFlags) => {
    const report = await client(flags)<ExpiredReport>('GET', '/v1/reports/expired');
    if (flags.json) return out(JSON.stringify(report));
    formatExpiredReport(report).forEach((line) => out(line));
  });

clientCommand('outcome', 'record how the claimed execution ended')
  .argument('<id>')
  .addOption(new Option('--outcome <outcome>', 'succeeded or failed').choices(['succeeded', 'failed']).makeOptionMandatory())
  .option('--detail <text>', 'what happened')
  .action(async (id: string, flags: ClientFlags & { outcome: string; detail?: string }) =>
    printProposal(await client(flags)<Proposal>('POST', `${path(id)}/execution/result`, { outcome: flags.outcome, detail: flags.detail }), flags),
  );

program
  .command('mcp-gateway')
  .description('gate an MCP server: speak MCP on stdio, start the upstream after "--", send each tools/call through Countersign')
  .argument('[command...]', 'the upstream MCP server to start (after "--")')
  .addOption(new Option('--server <url>', 'Countersign server URL').env('COUNTERSIGN_URL').default('http://127.0.0.1:7420').argParser(serverUrl))
  .addOption(new Option('--token <token>', "the agent's token (role: proposer)").env('COUNTERSIGN_TOKEN'))
  .addHelpText('after', CLIENT_HELP)
  .option('--upstream-url <url>', 'a Streamable HTTP MCP server instead of a command')
  .option('--wait-limit <duration>', 'how long one call waits for approval before "still awaiting approval"', '50s')
  .addOption(new Option('--urgency <urgency>', 'urgency of the proposals').choices(['triage', 'normal', 'low']).default('normal'))
  // Loaded on use, so other commands do not pay for the MCP SDK.
  .action(async (command: string[], flags: GatewayFlags) => (await import('../mcp/gateway-command.js')).mcpGateway(command, flags));

const audit = program.command('audit').description('auditor commands: work on the database directly, server or not');
const keyOptions = (cmd: Command) =>
  storeOptions(cmd)
    .addOption(new Option('--checkpoint-key <file>', 'checkpoint signing key file (default: beside the SQLite file, or ./countersign.checkpoint-key)').env('COUNTERSIGN_CHECKPOINT_KEY_FILE'))
    .option('--public-key <key|file>', 'the public key checkpoints must be signed by (default: from the key file)');
keyOptions(audit.command('verify').description('recompute every hash and the Merkle tree (exit 1 if tampered)'))
  .option('--checkpoint <file>', 'a saved checkpoint the log must extend (catches a cut tail or a rewritten history)')
  .option('--json', 'print JSON')
  .action(async (flags: KeyFlags & { checkpoint?: string; json?: boolean }) => {
    const { auditVerifyWithKeys } = await import('./audit-proof-commands.js');
    process.exitCode = await withReadOnlyStore(flags, (store) => auditVerifyWithKeys(store, flags, out));
  });
keyOptions(audit.command('chain <id>').description("one proposal's approval chain"))
  .option('--verify', "check each event's inclusion proof against the signed checkpoint, offline")
  .option('--json', 'print JSON')
  .action(async (id: string, flags: KeyFlags & { json?: boolean; verify?: boolean }) => {
    if (!flags.verify) {
      const { auditChain } = await import('./audit-commands.js');
      return withReadOnlyStore(flags, (store) => auditChain(store, id, !!flags.json, out));
    }
    const { auditChainVerify } = await import('./audit-proof-commands.js');
    process.exitCode = await withReadOnlyStore(flags, (store) => auditChainVerify(store, id, flags, out));
  });
keyOptions(audit.command('checkpoint').description('save the latest signed checkpoint, to verify against later'))
  .requiredOption('--out <file>', 'where to write it')
  .option('--json', 'print JSON')
  .action(async (flags: KeyFlags & { out: string; json?: boolean }) => {
    const { auditCheckpoint } = await import('./audit-checkpoint-command.js');
    return withReadOnlyStore(flags, (store) => auditCheckpoint(store, flags, out));
  });
keyOptions(audit.command('report').description('write the evidence pack for an auditor: DIR/index.html and JSONL/CSV exports'))
  .requiredOption('--from <date>', 'first day (or ISO time) of the period')
  .requiredOption('--to <date>', 'last day (inclusive) or ISO time (exclusive) of the period')
  .requiredOption('--out <dir>', 'directory to write')
  .option('--policy <file>', 'the policy in force, for the "how our change management works" page')
  .option('--json', 'print JSON')
  .action(async (flags: KeyFlags & { from: string; to: string; out: string; policy?: string; json?: boolean }) => {
    const policy = await policyFrom(flags.policy);
    const { auditReport } = await import('./audit-report-command.js');
    process.exitCode = await withReadOnlyStore(flags, (store) => auditReport(store, flags, policy, out));
  });
keyOptions(audit.command('public-key').description('print the checkpoint public key (give it to your witnesses)'))
  .option('--json', 'print JSON')
  .action(async (flags: KeyFlags & { json?: boolean }) => {
    const { auditPublicKey } = await import('./audit-proof-commands.js');
    return auditPublicKey(flags, flags.json ? (text) => out(JSON.stringify({ public_key: text })) : out);
  });
storeOptions(audit.command('export').description('the whole audit log to stdout'))
  .addOption(new Option('--format <format>', 'jsonl or csv').default('jsonl'))
  .action(async (flags: StoreFlags & { format: string }) => {
    const { auditExport } = await import('./audit-commands.js');
    return withReadOnlyStore(flags, (store) => auditExport(store, flags.format, (chunk) => process.stdout.write(chunk)));
  });

const policyCommand = program.command('policy').description('validate a policy file and explain how it classifies actions');
policyCommand
  .command('check <file>')
  .description('validate a policy file; errors name the line and key')
  .action(async (file: string) => {
    const policy = await policyFrom(file);
    out(`OK: ${file} is valid (${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'})`);
  });
policyCommand
  .command('explain <action>')
  .description('classify an action or proposal JSON (file or -) without proposing it')
  .option('--policy <file>', 'policy file (YAML or JSON)')
  .option('--json', 'print JSON')
  .action(async (file: string, flags: { policy?: string; json?: boolean }) => {
    const policy = await policyFrom(flags.policy);
    const text = file === '-' ? await readStdin() : await readText(file);
    const { explain, formatExplanation } = await import('../policy/policy-explain.js');
    const explanation = explain(parseJsonText(text, file === '-' ? 'stdin' : file), policy);
    out(flags.json ? JSON.stringify(explanation) : formatExplanation(explanation));
  });

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, file, 'read');
  }
}

/** The policy in `file`, or the default policy without one. */
async function policyFrom(file: string | undefined): Promise<Policy> {
  const { defaultPolicy, parsePolicy } = await import('../policy/policy-config.js');
  return file ? parsePolicy(await readText(file), file) : defaultPolicy();
}

/** A proposal or action file (or stdin), checked locally: JSON, one object, within the input limits. */
async function readJson(file: string): Promise<unknown> {
  const text = file === '-' ? await readStdin() : await readText(file);
  return parseJsonObject(text, file === '-' ? 'stdin' : file, 'examples/drop-table.json');
}

/** A proposal file's action, or a bare action, hashed exactly as the server binds approvals. */
function actionHashOfFile(json: unknown): string {
  const action = json && typeof json === 'object' && 'action' in json ? (json as { action: unknown }).action : json;
  return actionHash(action);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reports a failure in one line; its kind gives the exit code (cli-exit.ts). */
function exitFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const { message, kind } = failureOf(error);
  return fail(message, exitCodeOf(kind));
}

function fail(message: string, code: number): number {
  process.stderr.write(`countersign: ${message}\n`);
  return code;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exit(exitFor(error));
}
