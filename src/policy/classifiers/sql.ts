import { blastRadius, type Finding, irreversible, located, unanalysable } from './finding.js';
import { parseSql } from './sql-parser.js';
import { alwaysTrue } from './sql-where.js';

type Node = Record<string, any>;

const relation = (rv: Node | undefined): string =>
  rv ? [rv.catalogname, rv.schemaname, rv.relname].filter(Boolean).join('.') : '?';

const objectName = (o: Node): string => {
  const items: Node[] = o.List?.items ?? (o.String ? [o] : []);
  return items.map((i) => i.String?.sval).filter(Boolean).join('.') || (o.TypeName ? 'type' : 'object');
};

const kind = (objtype: string | undefined) => (objtype ?? 'OBJECT_?').replace(/^OBJECT_/, '').replace(/_/g, ' ');

/** Statement types that carry no risk class by themselves (their nested statements are still read). */
const PLAIN = new Set([
  'SelectStmt', 'InsertStmt', 'CreateStmt', 'IndexStmt', 'ViewStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'CreateSchemaStmt',
  'CreateTableAsStmt', 'CreateFunctionStmt', 'CreateTrigStmt', 'CreateExtensionStmt', 'CommentStmt', 'TransactionStmt',
  'VariableSetStmt', 'VariableShowStmt', 'VacuumStmt', 'LockStmt', 'CreateRoleStmt', 'RenameStmt', 'CompositeTypeStmt',
  'CreateEnumStmt', 'ListenStmt', 'UnlistenStmt', 'NotifyStmt', 'PrepareStmt', 'DeallocateStmt', 'CheckPointStmt',
  'DiscardStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'CreatePolicyStmt', 'AlterOwnerStmt', 'DefineStmt',
  'CreateDomainStmt', 'DeclareCursorStmt', 'FetchStmt', 'ClosePortalStmt', 'ConstraintsSetStmt', 'RuleStmt',
  'CreatedbStmt', 'CreateTableSpaceStmt', 'AlterRoleSetStmt', 'ReturnStmt', 'PLAssignStmt', 'SetOperationStmt',
  'AlterEnumStmt', 'AlterFunctionStmt', 'AlterDomainStmt', 'AlterExtensionStmt', 'AlterObjectSchemaStmt', 'CreateStatsStmt',
  'AlterStatsStmt', 'CreateCastStmt', 'CreateForeignTableStmt', 'CreatePublicationStmt', 'AlterPublicationStmt',
  'CreateForeignServerStmt', 'CreateUserMappingStmt', 'CreateFdwStmt', 'ImportForeignSchemaStmt', 'AlterPolicyStmt',
  'AlterTypeStmt', 'AlterDatabaseSetStmt', 'CreateRangeStmt', 'CreateConversionStmt', 'SecLabelStmt', 'AlterCollationStmt',
  'CreateOpClassStmt', 'CreateOpFamilyStmt', 'AlterOperatorStmt', 'CreateTransformStmt', 'CreateAmStmt', 'CreateEventTrigStmt',
]);

/** Functions whose call in any statement changes the world or runs SQL the parser cannot see. */
const FUNCTIONS: Record<string, (name: string) => Finding[]> = {
  pg_terminate_backend: (n) => [irreversible(`${n}() kills database sessions`)],
  pg_cancel_backend: (n) => [irreversible(`${n}() cancels running queries`)],
  lo_unlink: (n) => [irreversible(`${n}() deletes a large object`)],
  pg_drop_replication_slot: (n) => [irreversible(`${n}() drops a replication slot`)],
  dblink_exec: (n) => unanalysable(`${n}() runs SQL text on another connection`),
  dblink: (n) => unanalysable(`${n}() runs SQL text on another connection`),
  query_to_xml: (n) => unanalysable(`${n}() runs SQL text`),
};

function rowWrite(verb: string, target: string, where: Node | undefined, usingCursor: boolean): Finding[] {
  if (usingCursor) return [];
  if (!where) return [irreversible(`${verb} without WHERE on ${target}`), blastRadius(`${verb} without WHERE touches every row of ${target}`)];
  if (alwaysTrue(where)) return [irreversible(`${verb} on ${target} with a WHERE that is always true`), blastRadius(`${verb} on ${target} touches every row`)];
  return [];
}

/** The risk of one node of a statement type, not counting nested statements. */
function classifyStatement(type: string, s: Node): Finding[] {
  switch (type) {
    case 'DropStmt': {
      const names = (s.objects ?? []).map(objectName).join(', ');
      const out = [irreversible(`DROP ${kind(s.removeType)} ${names} destroys it and what it holds`)];
      if ((s.objects ?? []).length > 1) out.push(blastRadius(`DROP ${kind(s.removeType)} names ${s.objects.length} objects`));
      if (s.behavior === 'DROP_CASCADE') out.push(blastRadius('CASCADE also drops every dependent object'));
      return out;
    }
    case 'DropdbStmt':
      return [irreversible(`DROP DATABASE ${s.dbname} destroys the whole database`), blastRadius(`DROP DATABASE ${s.dbname} affects every table in it`)];
    case 'DropTableSpaceStmt':
    case 'DropRoleStmt':
    case 'DropOwnedStmt':
    case 'DropSubscriptionStmt':
      return [irreversible(`${type.replace(/Stmt$/, '')} removes objects that cannot be recovered`)];
    case 'TruncateStmt': {
      const names = (s.relations ?? []).map((r: Node) => relation(r.RangeVar)).join(', ');
      const out = [irreversible(`TRUNCATE deletes every row of ${names}`)];
      if ((s.relations ?? []).length > 1 || s.behavior === 'DROP_CASCADE') out.push(blastRadius(`TRUNCATE reaches ${names}${s.behavior === 'DROP_CASCADE' ? ' and every table referencing them' : ''}`));
      return out;
    }
    case 'DeleteStmt':
      return rowWrite('DELETE', relation(s.relation), s.whereClause, !!s.whereClause?.CurrentOfExpr);
    case 'UpdateStmt':
      return rowWrite('UPDATE', relation(s.relation), s.whereClause, !!s.whereClause?.CurrentOfExpr);
    case 'MergeStmt': {
      const deletes = (s.mergeWhenClauses ?? []).some((c: Node) => c.MergeWhenClause?.commandType === 'CMD_DELETE');
      return deletes ? [irreversible(`MERGE into ${relation(s.relation)} deletes matched rows`)] : [];
    }
    case 'AlterTableStmt':
      return (s.cmds ?? []).flatMap((c: Node): Finding[] => {
        const cmd = c.AlterTableCmd ?? {};
        const table = relation(s.relation);
        if (cmd.subtype === 'AT_DropColumn') return [irreversible(`ALTER TABLE ${table} DROP COLUMN ${cmd.name} destroys the column's data`)];
        if (cmd.subtype === 'AT_AlterColumnType') return [irreversible(`ALTER TABLE ${table} ALTER COLUMN ${cmd.name} TYPE may lose data in the conversion`)];
        return [];
      });
    case 'GrantStmt': {
      const everything = s.targtype === 'ACL_TARGET_ALL_IN_SCHEMA' || s.targtype === 'ACL_TARGET_DEFAULTS';
      const toPublic = (s.grantees ?? []).some((g: Node) => g.RoleSpec?.roletype === 'ROLESPEC_PUBLIC');
      const verb = s.is_grant ? 'GRANT' : 'REVOKE';
      if (!everything && !toPublic) return [];
      const scope = everything ? `on every ${kind(s.objtype)} in the schema` : 'to PUBLIC';
      return [irreversible(`mass ${verb} ${scope} changes access that cannot be cleanly restored`), blastRadius(`mass ${verb} ${scope}`)];
    }
    case 'AlterDefaultPrivilegesStmt':
      return classifyStatement('GrantStmt', { ...(s.action?.GrantStmt ?? {}), targtype: 'ACL_TARGET_DEFAULTS' });
    case 'ReassignOwnedStmt':
      return [blastRadius('REASSIGN OWNED moves every object a role owns')];
    case 'AlterRoleStmt': {
      const opts = (s.options ?? []).map((o: Node) => o.DefElem?.defname);
      return opts.includes('superuser') ? [blastRadius('ALTER ROLE changes superuser rights')] : [];
    }
    case 'CopyStmt':
      if (s.is_program) return unanalysable(`COPY ${s.is_from ? 'FROM' : 'TO'} PROGRAM runs a shell command`);
      if (!s.is_from && s.filename) return [irreversible(`COPY TO '${s.filename}' overwrites a server file`)];
      return [];
    case 'ExplainStmt':
      return [];
    case 'DoStmt':
      return unanalysable('DO runs a procedural block');
    case 'ExecuteStmt':
      return unanalysable(`EXECUTE ${s.name} runs a prepared statement defined elsewhere`);
    case 'CallStmt':
      return unanalysable('CALL runs a stored procedure');
    default:
      return PLAIN.has(type) ? [] : unanalysable(`${type} is a statement the classifier does not know`);
  }
}

const isStatementKey = (key: string) => /^[A-Z][A-Za-z]*Stmt$/.test(key);
const analyses = (s: Node) => (s.options ?? []).some((o: Node) => o.DefElem?.defname === 'analyze');

/** Walks a statement and everything nested in it (CTEs, EXPLAIN ANALYZE, subqueries, function calls). */
function walk(node: unknown, out: Finding[]): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, out));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (isStatementKey(key)) {
      out.push(...classifyStatement(key, value as Node));
      if (key === 'ExplainStmt' && !analyses(value as Node)) continue; // plain EXPLAIN does not run the query
      if (key === 'CreateFunctionStmt') continue; // its body is text that runs later, read when it is called
    }
    if (key === 'FuncCall') {
      const name = (value as Node).funcname?.at(-1)?.String?.sval?.toLowerCase();
      if (name && FUNCTIONS[name]) out.push(...FUNCTIONS[name](name));
    }
    walk(value, out);
  }
}

/** Classifies SQL with PostgreSQL's grammar; every statement of a multi-statement input counts. */
export function classifySql(sql: string): Finding[] {
  const parsed = parseSql(sql);
  if (!parsed.ok) return unanalysable(`SQL does not parse as PostgreSQL (${parsed.error})`);
  const several = parsed.statements.length > 1;
  return parsed.statements.flatMap((statement, i) => {
    const out: Finding[] = [];
    walk(statement, out);
    return several ? located(`statement ${i + 1}`, out) : out;
  });
}
