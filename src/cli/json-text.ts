import { describeFieldErrors } from '../domain/errors.js';
import { inputLimitErrors } from '../domain/input-limits.js';
import { usageError } from './cli-error.js';

/**
 * Parses the JSON text of a file the user named. A syntax error names the
 * line and column (not a byte offset) and says what was expected there.
 */
export function parseJsonText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${name} is not valid JSON: ${describeJsonError((error as Error).message, text)}`);
  }
}

/**
 * A JSON file that must hold one object (a proposal, or an action), within the
 * limits the server holds every body to, so the refusal comes before any request.
 */
export function parseJsonObject(text: string, name: string, example: string): Record<string, unknown> {
  const value = parseJsonText(text, name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`${name} must hold one JSON object { … }, such as ${example}`);
  }
  const limits = inputLimitErrors(value);
  if (limits.length > 0) throw usageError(`${name}: ${describeFieldErrors(limits)}`);
  return value as Record<string, unknown>;
}

/** "line 3, column 14: expected ',' or '}' after property value", from V8's wording with a position. */
export function describeJsonError(message: string, text: string): string {
  if (/^Unexpected end of JSON input/.test(message)) return `${lineAndColumn(text, text.length)}: the text ends too early; something is not closed`;
  const positioned = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (positioned) return `${lineAndColumn(text, Number(positioned[2]))}: ${lowerFirst(positioned[1]!)}`;
  // "Unexpected token 'x', "…" is not valid JSON": no position given; the token is the clue.
  const token = /^Unexpected token '?(.+?)'?, /.exec(message);
  if (token) return `unexpected "${token[1]}"; check quotes, commas and brackets`;
  return lowerFirst(message);
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
