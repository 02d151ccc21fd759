import { loadModule, parseSync, type ParseResult } from 'libpg-query';

// PostgreSQL's own grammar, compiled to wasm; loading is async once, parsing is sync after.
await loadModule();

export type SqlParse = { ok: true; statements: Record<string, unknown>[] } | { ok: false; error: string };

/** Parses SQL with PostgreSQL's parser; each statement comes back as `{ NodeType: {...} }`. */
export function parseSql(sql: string): SqlParse {
  let result: ParseResult;
  try {
    result = parseSync(sql);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const statements = (result.stmts ?? []).map((s) => (s.stmt ?? {}) as Record<string, unknown>);
  return { ok: true, statements };
}
