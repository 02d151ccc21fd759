/**
 * A date (a whole UTC day) or an ISO instant, as an ISO instant; `end` makes
 * a bare date include its whole day. `undefined` when it is neither.
 */
export function parseInstant(value: string, end: boolean): string | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(day ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) return undefined;
  return new Date(day && end ? ms + 86_400_000 : ms).toISOString();
}

export const INSTANT_HINT = 'must be a date such as 2026-11-01 or an ISO time';
