import type { z } from 'zod';

/**
 * The product's words for a schema check that has no message of its own, so
 * no parser wording ("Too small: expected number to be >=0") reaches a user.
 * Passed as the `error` option of every parse; a schema's own message wins.
 */
export function productMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'too_small':
      return bound(issue.origin, Number(issue.minimum), issue.inclusive !== false, 'least');
    case 'too_big':
      return bound(issue.origin, Number(issue.maximum), issue.inclusive !== false, 'most');
    case 'invalid_type':
      return issue.input === undefined ? `is required (${typeName(issue.expected)})` : `must be ${typeName(issue.expected)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL such as https://example.com/path' : `is not a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'holds a value that is not allowed';
    default:
      return 'is not valid';
  }
}

function bound(origin: string, limit: number, inclusive: boolean, side: 'least' | 'most'): string {
  if (origin === 'string') {
    if (side === 'least' && limit <= 1) return 'must not be empty';
    return `must be at ${side} ${limit} characters`;
  }
  if (origin === 'array' || origin === 'set') return `must list at ${side} ${limit} item${limit === 1 ? '' : 's'}`;
  const words = inclusive ? `at ${side}` : side === 'least' ? 'more than' : 'less than';
  return `must be ${words} ${limit}`;
}

const TYPE_NAMES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  nan: 'a number',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  tuple: 'a list',
  string: 'a string',
  boolean: 'true or false',
  date: 'a date',
};

/** "a whole number", "an object", … */
export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
}
