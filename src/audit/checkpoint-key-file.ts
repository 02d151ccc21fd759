import { hkdfSync, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { generateNoteKey, type NoteSigner, type NoteVerifier, parseSigner, parseVerifier } from './note-key.js';

/**
 * The checkpoint signing key lives in a file outside the database, so whoever
 * can rewrite the database still cannot sign for it.
 */

/** Where the key lives when no path is given: beside a SQLite file, else in the working directory. */
export const defaultKeyFile = (location: { db: string; databaseUrl?: string }): string =>
  location.databaseUrl ? './countersign.checkpoint-key' : `${location.db}.checkpoint-key`;

/**
 * Reads the key, or creates it (mode 0600) on first start. Two processes
 * starting at once agree on one: the key is written whole to a file of its
 * own, then linked into place, which fails if the other got there first, so
 * nobody ever reads a half-written key.
 */
export function loadOrCreateSigner(file: string): { signer: NoteSigner; created: boolean } {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${generateNoteKey(`countersign-${randomBytes(4).toString('hex')}`)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, file);
    return { signer: loadSigner(file), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { signer: loadSigner(file), created: false };
  } finally {
    unlinkSync(draft);
  }
}

export const loadSigner = (file: string): NoteSigner => parseSigner(readFileSync(file, 'utf8'));

/**
 * A key for another purpose (such as signing UI sessions) derived from the
 * key file with HKDF: every replica sharing the file derives the same key,
 * and it survives restarts, with no second secret to distribute.
 */
export const deriveKey = (file: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', readFileSync(file, 'utf8').trim(), 'countersign', purpose, 32));

/** A public key given as its text or as a file holding it; a private key file yields its public half. */
export function loadVerifier(textOrFile: string): NoteVerifier {
  const text = /^[^\s+]+\+[0-9a-f]{8}\+/.test(textOrFile) ? textOrFile : readFileSync(textOrFile, 'utf8');
  return text.trim().startsWith('PRIVATE+KEY+') ? parseSigner(text) : parseVerifier(text);
}
