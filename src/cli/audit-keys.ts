import { existsSync } from 'node:fs';
import { defaultKeyFile, loadSigner, loadVerifier } from '../audit/checkpoint-key-file.js';
import type { NoteSigner, NoteVerifier } from '../audit/note-key.js';
import { usageError } from './cli-error.js';
import { fileProblem } from './file-errors.js';

export interface KeyFlags {
  db: string;
  databaseUrl?: string;
  checkpointKey?: string;
  publicKey?: string;
}

const keyFile = (flags: KeyFlags) => flags.checkpointKey ?? defaultKeyFile(flags);

/** The signing key, if this machine holds it (auditor commands never create one). */
export function localSigner(flags: KeyFlags): NoteSigner | undefined {
  const file = keyFile(flags);
  if (!existsSync(file)) return undefined;
  try {
    return loadSigner(file);
  } catch (error) {
    throw usageError((error as NodeJS.ErrnoException).code ? fileProblem(error, file, 'read') : `cannot use the checkpoint key ${file}: ${(error as Error).message}`);
  }
}

/** The key checkpoints must be signed by: --public-key if given, else the local key's public half. */
export function verifierOf(flags: KeyFlags): NoteVerifier | undefined {
  if (flags.publicKey) {
    try {
      return loadVerifier(flags.publicKey);
    } catch (error) {
      throw usageError(`--public-key: ${(error as NodeJS.ErrnoException).code ? fileProblem(error, flags.publicKey, 'read') : (error as Error).message}`);
    }
  }
  return localSigner(flags);
}

export function requireVerifier(flags: KeyFlags): NoteVerifier {
  const verifier = verifierOf(flags);
  if (!verifier) throw usageError(`no public key: give --public-key KEY|FILE (from \`countersign audit public-key\`) or --checkpoint-key FILE (looked for ${keyFile(flags)})`);
  return verifier;
}
