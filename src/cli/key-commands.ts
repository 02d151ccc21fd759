import { generateKeyPairSync } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { KeyFormatError } from '../contract/ed25519-key.js';
import type { SigningKey } from '../domain/signing-key.js';
import { signDecision, type SignedDecisionBody } from '../sdk/decision-signing.js';
import { apiClient, type ApiCall } from './api-client.js';
import { usageError } from './cli-error.js';

type Out = (text: string) => void;
type Flags = { server: string; json?: boolean };

const call = (flags: Flags) => apiClient({ server: flags.server, token: process.env.COUNTERSIGN_TOKEN });
const keyPath = (keyId: string) => `/v1/keys/${encodeURIComponent(keyId)}`;

function formatKey(k: SigningKey): string {
  return [k.key_id, k.revoked_at ? `REVOKED ${k.revoked_at} by ${k.revoked_by}` : 'active', `created ${k.created_at}`, k.label ?? ''].filter(Boolean).join('  ');
}

/** `countersign key create|list|revoke`: the Ed25519 keys that sign your decisions (DESIGN.md §8). */
export function keyCommands(program: Command, out: Out): void {
  const key = program.command('key').description('the keys that sign your decisions: create, list, revoke');
  const sub = (name: string, description: string) =>
    key
      .command(name)
      .description(description)
      .addOption(new Option('--server <url>', 'Countersign server URL').env('COUNTERSIGN_URL').default('http://127.0.0.1:7420'))
      .option('--json', 'print JSON');

  sub('create', 'make an Ed25519 key pair, write the private key to FILE (mode 0600) and register the public key for you')
    .requiredOption('--out <file>', 'where to write the private key (PKCS#8 PEM); never overwritten')
    .option('--label <text>', 'a name for the key, such as the machine it lives on')
    .action(async (flags: Flags & { out: string; label?: string }) => {
      const api = call(flags);
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      await writeFile(flags.out, pem, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
        throw usageError(error.code === 'EEXIST' ? `${flags.out} exists already; a key file is never overwritten: choose another --out` : `cannot write ${flags.out}: ${error.code ?? error.message}`);
      });
      let registered: SigningKey;
      try {
        const body = { public_key: publicKey.export({ format: 'pem', type: 'spki' }), ...(flags.label ? { label: flags.label } : {}) };
        registered = await api<SigningKey>('POST', '/v1/keys', body);
      } catch (error) {
        await unlink(flags.out); // an unregistered key would only mislead
        throw error;
      }
      if (flags.json) return out(JSON.stringify({ key_id: registered.key_id }));
      out(`Registered key ${registered.key_id} for "${registered.identity}"; its private key is in ${flags.out} (mode 0600).`);
      out(`Sign decisions with: countersign approve ID --reason R --key ${flags.out}  (or COUNTERSIGN_SIGNING_KEY=${flags.out})`);
    });

  sub('list', 'list your keys, revoked ones included')
    .option('--identity <name>', "another identity's keys (admin)")
    .action(async (flags: Flags & { identity?: string }) => {
      const result = await call(flags)<{ identity: string; items: SigningKey[] }>('GET', `/v1/keys${flags.identity ? `?identity=${encodeURIComponent(flags.identity)}` : ''}`);
      if (flags.json) return out(JSON.stringify(result));
      if (result.items.length === 0) return out(`no keys for "${result.identity}"`);
      result.items.forEach((k) => out(formatKey(k)));
    });

  sub('revoke', 'revoke a key at once: decisions it signs from now on are refused')
    .argument('<key_id>')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(async (keyId: string, flags: Flags & { reason?: string }) => {
      const revoked = await call(flags)<SigningKey>('POST', `${keyPath(keyId)}/revocation`, flags.reason ? { reason: flags.reason } : {});
      out(flags.json ? JSON.stringify(revoked) : `Revoked key ${revoked.key_id} of "${revoked.identity}" at ${revoked.revoked_at}.`);
    });
}

/** The body of `approve|reject --key FILE`: the decision signed with the key in FILE. */
export async function signedDecisionBody(api: ApiCall, id: string, decision: 'approve' | 'reject', reason: string, file: string): Promise<SignedDecisionBody> {
  const pem = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw usageError(`cannot read the signing key ${file}: ${error.code ?? error.message}`);
  });
  try {
    return await signDecision((path) => api('GET', path), id, decision, reason, pem);
  } catch (error) {
    if (error instanceof KeyFormatError) throw usageError(`the signing key ${file} ${error.message}`);
    throw error;
  }
}
