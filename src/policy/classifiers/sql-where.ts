type Node = Record<string, any>;

/** The value of a constant expression (number, string, boolean), or `undefined` if it is not one. */
function constant(node: Node | undefined): unknown {
  if (!node) return undefined;
  if (node.A_Const) {
    const c = node.A_Const;
    if (c.isnull) return null;
    if (c.ival) return Number(c.ival.ival ?? 0);
    if (c.fval) return Number(c.fval.fval);
    if (c.sval) return String(c.sval.sval ?? '');
    if (c.boolval) return Boolean(c.boolval.boolval);
    return 0; // libpg-query leaves out zero values, e.g. `ival: {}` for 0
  }
  if (node.TypeCast) {
    const value = constant(node.TypeCast.arg);
    const type = node.TypeCast.typeName?.names?.at(-1)?.String?.sval;
    if (type === 'bool' && typeof value === 'string') return ['t', 'true', 'y', 'yes', 'on', '1'].includes(value.toLowerCase());
    return value;
  }
  return undefined;
}

const sameColumn = (a: Node | undefined, b: Node | undefined) =>
  !!a?.ColumnRef && !!b?.ColumnRef && JSON.stringify(a.ColumnRef.fields) === JSON.stringify(b.ColumnRef.fields);

const COMPARE: Record<string, (a: any, b: any) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/**
 * True when a WHERE clause keeps every row whatever the data: `true`, `1=1`,
 * `'a'='a'`, `id = id`, `x OR 1=1`, `NOT false`. A WHERE that only looks
 * selective is what an agent would write to slip an unbounded write through.
 */
export function alwaysTrue(node: Node | undefined): boolean {
  if (!node) return false;
  const value = constant(node);
  if (value !== undefined) return value === true || (typeof value === 'number' && value !== 0);
  if (node.BoolExpr) {
    const args: Node[] = node.BoolExpr.args ?? [];
    if (node.BoolExpr.boolop === 'OR_EXPR') return args.some(alwaysTrue);
    if (node.BoolExpr.boolop === 'AND_EXPR') return args.every(alwaysTrue);
    if (node.BoolExpr.boolop === 'NOT_EXPR') return alwaysFalse(args[0]);
  }
  if (node.A_Expr?.kind === 'AEXPR_OP') {
    const op = node.A_Expr.name?.at(-1)?.String?.sval as string;
    const { lexpr, rexpr } = node.A_Expr;
    if (['=', '<=', '>='].includes(op) && sameColumn(lexpr, rexpr)) return true;
    const [l, r] = [constant(lexpr), constant(rexpr)];
    if (l !== undefined && r !== undefined && l !== null && r !== null && COMPARE[op]) return COMPARE[op](l, r);
  }
  if (node.A_Expr?.kind === 'AEXPR_IN') {
    const l = constant(node.A_Expr.lexpr);
    const list: Node[] = node.A_Expr.rexpr?.List?.items ?? [];
    if (l !== undefined && l !== null && list.some((item) => constant(item) === l)) return node.A_Expr.name?.at(-1)?.String?.sval === '=';
  }
  // x LIKE '%' keeps every non-null row
  if (['AEXPR_LIKE', 'AEXPR_ILIKE'].includes(node.A_Expr?.kind) && ['~~', '~~*'].includes(node.A_Expr.name?.at(-1)?.String?.sval)) {
    if (/^%+$/.test(String(constant(node.A_Expr.rexpr) ?? ''))) return true;
  }
  if (node.NullTest?.nulltesttype === 'IS_NULL' && constant(node.NullTest.arg) === null) return true;
  if (node.BooleanTest?.booltesttype === 'IS_TRUE') return alwaysTrue(node.BooleanTest.arg);
  return false;
}

function alwaysFalse(node: Node | undefined): boolean {
  const value = constant(node);
  if (value !== undefined) return value === false || value === 0;
  if (node?.BoolExpr?.boolop === 'NOT_EXPR') return alwaysTrue(node.BoolExpr.args?.[0]);
  return false;
}
