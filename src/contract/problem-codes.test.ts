import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, type ErrorKind, kindOfAnswer, PROBLEM_CODES, type ProblemCode } from './problem-codes.js';

const statusOf = (code: ProblemCode) => ERROR_KINDS[PROBLEM_CODES[code]].status;

/** Every TypeScript source outside this folder and outside tests. */
function sources(dir = join(import.meta.dirname, '..')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'contract' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('problem codes', () => {
  it('give each refusal the status the API contract names', () => {
    expect(statusOf('invalid_input')).toBe(400);
    expect(statusOf('unauthenticated')).toBe(401);
    expect(['role_required', 'not_an_approver', 'not_executor', 'csrf'].map((c) => statusOf(c as ProblemCode))).toEqual([403, 403, 403, 403]);
    expect(statusOf('not_found')).toBe(404);
    expect(['same_principal', 'own_proposal', 'not_pending', 'expired', 'already_claimed', 'hash_mismatch'].map((c) => statusOf(c as ProblemCode))).toEqual([409, 409, 409, 409, 409, 409]);
    expect(statusOf('body_too_large')).toBe(413);
    expect(statusOf('unsupported_media_type')).toBe(415);
    expect(statusOf('internal')).toBe(500);
  });

  it('answer 5xx only for a failure of the server, never for what a client sent', () => {
    const serverSide = (Object.keys(PROBLEM_CODES) as ProblemCode[]).filter((code) => statusOf(code) >= 500);
    expect(serverSide).toEqual(['internal']);
  });

  it('list only codes the server answers somewhere', () => {
    const text = sources().join('\n');
    const unused = Object.keys(PROBLEM_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('give one status to each kind, so a status names its kind back', () => {
    const statuses = Object.values(ERROR_KINDS).map((k) => k.status);
    expect(new Set(statuses).size).toBe(statuses.length);
    for (const kind of Object.keys(ERROR_KINDS) as ErrorKind[]) expect(kindOfAnswer(ERROR_KINDS[kind].status)).toBe(kind);
  });

  it('read the kind of an answer from its code, else from its status', () => {
    expect(kindOfAnswer(409, 'same_principal')).toBe('conflict');
    expect(kindOfAnswer(409, 'a_code_from_a_newer_server')).toBe('conflict');
    expect(kindOfAnswer(502)).toBe('unavailable');
    expect(kindOfAnswer(504)).toBe('unavailable');
    expect(kindOfAnswer(501)).toBe('internal');
    expect(kindOfAnswer(405)).toBe('invalid_input');
  });
});
