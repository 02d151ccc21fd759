import { describe, expect, it } from 'vitest';
import { classifySql } from './sql.js';

const classes = (sql: string) => [...new Set(classifySql(sql).map((f) => f.class))].sort();
const reasons = (sql: string) => classifySql(sql).map((f) => f.reason);

describe('SQL classifier', () => {
  it('needs no approval for read-only statements', () => {
    expect(classes('SELECT * FROM users WHERE id = 1')).toEqual([]);
    expect(classes('EXPLAIN SELECT * FROM users')).toEqual([]);
    expect(classes('SHOW search_path')).toEqual([]);
    expect(classes("EXPLAIN DELETE FROM users")).toEqual([]);
  });

  it('classes DROP TABLE as irreversible however it is written', () => {
    for (const sql of ['DROP TABLE users', 'drop table if exists "users"', 'DROP/**/TABLE users', 'DrOp TaBlE users -- cleanup', '/* cleanup */ DROP TABLE public.users']) {
      expect(classes(sql), sql).toContain('irreversible');
    }
  });

  it('adds blast radius for several objects and CASCADE', () => {
    expect(classes('DROP TABLE a, b')).toEqual(['blast_radius', 'irreversible']);
    expect(classes('DROP SCHEMA app CASCADE')).toEqual(['blast_radius', 'irreversible']);
    expect(classes('DROP DATABASE prod')).toEqual(['blast_radius', 'irreversible']);
  });

  it('counts every statement of a multi-statement input and says which one fired', () => {
    expect(reasons('SELECT 1; DELETE FROM orders')).toContain('statement 2: DELETE without WHERE on orders');
  });

  it('sees DELETE and UPDATE whose WHERE is always true', () => {
    for (const sql of ['DELETE FROM t WHERE true', 'DELETE FROM t WHERE 1=1', "DELETE FROM t WHERE 'a' = 'a'", 'UPDATE t SET x = 1 WHERE id = id', 'DELETE FROM t WHERE id = 5 OR 1 = 1', "DELETE FROM t WHERE 't'::boolean", 'DELETE FROM t WHERE NOT false', 'DELETE FROM t WHERE 2 > 1']) {
      expect(classes(sql), sql).toEqual(['blast_radius', 'irreversible']);
    }
  });

  it('lets a bounded DELETE and UPDATE through', () => {
    expect(classes('DELETE FROM t WHERE id = 5')).toEqual([]);
    expect(classes("UPDATE t SET name = 'x' WHERE id = 5 AND 1 = 1")).toEqual([]);
  });

  it('finds a DELETE hidden in a CTE or behind EXPLAIN ANALYZE', () => {
    expect(classes('WITH d AS (DELETE FROM x RETURNING *) SELECT * FROM d')).toContain('irreversible');
    expect(classes('EXPLAIN ANALYZE DELETE FROM x')).toContain('irreversible');
  });

  it('classes TRUNCATE, DROP COLUMN, type changes and mass grants', () => {
    expect(classes('TRUNCATE orders')).toEqual(['irreversible']);
    expect(classes('TRUNCATE a, b')).toEqual(['blast_radius', 'irreversible']);
    expect(classes('ALTER TABLE t DROP COLUMN email')).toEqual(['irreversible']);
    expect(classes('ALTER TABLE t ADD COLUMN email text')).toEqual([]);
    expect(classes('GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC')).toEqual(['blast_radius', 'irreversible']);
    expect(classes('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM app')).toEqual(['blast_radius', 'irreversible']);
    expect(classes('GRANT SELECT ON t TO bob')).toEqual([]);
  });

  it('fails closed on what it cannot parse or see through', () => {
    for (const sql of ['DR/**/OP TABLE users', 'DELETE FROM', "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$", 'EXECUTE cleanup', "SELECT dblink_exec('dbname=x', 'DROP TABLE t')", "COPY t TO PROGRAM 'rm -rf /'", 'DELETE t FROM t JOIN u']) {
      expect(reasons(sql).some((r) => r.startsWith('could not be analysed')), sql).toBe(true);
    }
  });
});
