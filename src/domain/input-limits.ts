import type { FieldError } from './errors.js';

/**
 * What any request body is held to before its schema is read (README,
 * "Limits"). Generous for real proposals (a Terraform plan nests about 20
 * levels), small enough that whoever later reads the stored value back (the
 * queue, the audit chain, the UI, a hash) cannot run out of stack on it.
 */
export const INPUT_LIMITS = Object.freeze({
  /** Objects and arrays inside one another, the body itself being level 1. */
  depth: 64,
  /** UTF-16 code units in any one string, keys included. */
  stringLength: 65_536,
  /** The whole body, in bytes. */
  bodyBytes: 1_048_576,
});

/** At most this many problems are named; a body with more has them all refused anyway. */
const MAX_REPORTED = 10;

/**
 * The problems of a parsed JSON value that no schema should have to meet:
 * nesting deeper than the limit, overlong strings, lone UTF-16 surrogates
 * (not text: neither the hash nor the stores accept them) and NUL characters
 * (PostgreSQL cannot store them). Each names its JSON path (`action.params.x`).
 */
export function inputLimitErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string[], depth: number): void => {
    if (errors.length >= MAX_REPORTED) return;
    if (typeof node === 'string') return checkString(node, path, errors);
    if (typeof node !== 'object' || node === null) return;
    if (depth > INPUT_LIMITS.depth) {
      errors.push({ field: fieldPath(path), message: `is nested deeper than ${INPUT_LIMITS.depth} levels; flatten it, or send deep data as a JSON string` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, String(i)], depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const at = [...path, key];
      checkString(key, at, errors, 'its name');
      visit(item, at, depth + 1);
    }
  };
  visit(value, [], 1);
  return errors.slice(0, MAX_REPORTED);
}

/** In a `u` regular expression a paired surrogate is one code point: only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

function checkString(text: string, path: string[], errors: FieldError[], what = ''): void {
  const field = fieldPath(path);
  const subject = what ? `${what} ` : '';
  if (text.length > INPUT_LIMITS.stringLength) {
    errors.push({ field, message: `${subject}is longer than ${INPUT_LIMITS.stringLength} characters; shorten it` });
  }
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const unit = lone[0].charCodeAt(0).toString(16);
    errors.push({ field, message: `${subject}contains a lone UTF-16 surrogate (\\u${unit}), which is not text; send well-formed Unicode` });
  }
  if (text.includes('\u0000')) {
    errors.push({ field, message: `${subject}contains a NUL character (U+0000), which cannot be stored; remove it` });
  }
}

/** A JSON path as the rest of the product names fields: `a.b.0.c`; an odd key is quoted. */
export function fieldPath(path: readonly string[]): string {
  return path.map((key) => (/^[\w$-]+$/.test(key) ? key : JSON.stringify(key))).join('.');
}
