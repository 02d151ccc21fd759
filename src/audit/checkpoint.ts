import type { Hash } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note-key.js';

/**
 * C2SP tlog-checkpoint in a C2SP signed note:
 *   <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id ‖ signature)>\n
 * The signature covers the body: the three lines with their newlines.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const SIGNATURE_PREFIX = '\u2014 ';

export const checkpointBody = ({ origin, size, root }: Checkpoint): string => `${origin}\n${size}\n${root.toString('base64')}\n`;

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  const body = checkpointBody(checkpoint);
  const signature = Buffer.concat([signer.keyId, signer.sign(Buffer.from(body))]);
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${signature.toString('base64')}\n`;
}

function parseBody(body: string): Checkpoint {
  const lines = body.split('\n');
  const [origin, sizeText, rootText] = lines;
  const root = Buffer.from(rootText ?? '', 'base64');
  if (!origin || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText ?? '') || root.length !== 32 || root.toString('base64') !== rootText) {
    throw new CheckpointError('not a checkpoint: want origin, tree size and base64 root hash lines');
  }
  return { origin, size: Number(sizeText), root };
}

/**
 * A checkpoint body with no signature block: an auditor's own record of the
 * log's head (`audit checkpoint` where no key is at hand), worth what the
 * place it was kept is worth.
 */
export function openUnsignedCheckpoint(text: string): Checkpoint {
  if (text.includes('\n\n')) throw new CheckpointError('this checkpoint carries signatures: check it with the public key');
  if (!text.endsWith('\n') || text.split('\n').length !== 4) throw new CheckpointError('not a checkpoint: want origin, tree size and base64 root hash lines');
  return parseBody(text);
}

/** True when `text` carries a signature block (a C2SP signed note), false for a bare checkpoint body. */
export const isSignedNote = (text: string): boolean => text.includes('\n\n');

/** Parses a signed checkpoint and checks it carries a valid signature by `verifier`. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CheckpointError('not a signed note: no blank line before the signatures');
  const body = note.slice(0, split + 1);
  const checkpoint = parseBody(body);
  const signatures = note.slice(split + 2, -1).split('\n');
  for (const line of signatures) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new CheckpointError(`malformed signature line "${line.slice(0, 40)}"`);
    const [name, b64, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const raw = Buffer.from(b64 ?? '', 'base64');
    if (rest.length > 0 || raw.length < 5) throw new CheckpointError('malformed signature line');
    if (name !== verifier.name || !raw.subarray(0, 4).equals(verifier.keyId)) continue;
    if (verifier.verify(Buffer.from(body), raw.subarray(4))) return checkpoint;
    throw new CheckpointError(`the signature by ${name} does not verify: the checkpoint was altered or forged`);
  }
  throw new CheckpointError(`the checkpoint carries no signature by the key ${verifier.name}+${verifier.keyId.toString('hex')}`);
}
