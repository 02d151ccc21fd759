import { blastRadius, type Finding, irreversible } from './finding.js';

/** Strips comments and string literals so keywords inside them do not count. */
function normalise(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\s+/g, ' ');
}

/** First-cut SQL classifier: statement by statement, destructive verbs and unbounded writes. */
export function classifySql(sql: string): Finding[] {
  const findings: Finding[] = [];
  for (const statement of normalise(sql).split(';').map((s) => s.trim()).filter(Boolean)) {
    const drop = /^drop\s+(table|schema|database|index|view|materialized view|sequence|type|function)\b(?:\s+if\s+exists)?\s+(.+?)(?:\s+(?:cascade|restrict))?$/i.exec(statement);
    if (drop) {
      findings.push(irreversible(`DROP ${drop[1]!.toUpperCase()} destroys it and its data`));
      if (drop[2]!.includes(',')) findings.push(blastRadius(`DROP ${drop[1]!.toUpperCase()} names several objects`));
      if (/\bcascade\b/i.test(statement)) findings.push(blastRadius('CASCADE also drops dependent objects'));
      continue;
    }
    if (/^truncate\b/i.test(statement)) findings.push(irreversible('TRUNCATE deletes every row'));
    if (/^delete\s+from\b/i.test(statement) && !/\bwhere\b/i.test(statement)) {
      findings.push(irreversible('DELETE without WHERE deletes every row'), blastRadius('DELETE without WHERE touches every row'));
    }
    if (/^update\b/i.test(statement) && !/\bwhere\b/i.test(statement)) {
      findings.push(irreversible('UPDATE without WHERE overwrites every row'), blastRadius('UPDATE without WHERE touches every row'));
    }
    if (/^alter\s+table\b.*\bdrop\s+(column\b|(?!constraint\b|default\b|not\b)\w)/i.test(statement)) {
      findings.push(irreversible('ALTER TABLE … DROP COLUMN destroys the column’s data'));
    }
  }
  return findings;
}
