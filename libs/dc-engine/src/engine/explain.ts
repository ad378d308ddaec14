import type { QueryPlan } from './plan.js';

function describeOrder(plan: QueryPlan): string {
  return plan.order
    .map((k) => `${k.column} ${k.descending ? 'desc (nulls first)' : 'asc (nulls last)'}`)
    .join(', ');
}

function describePaging(plan: QueryPlan, sourceCount: string): string[] {
  const lines: string[] = [];
  if (plan.limit === 0) return ['limit 0: no rows are read'];
  if (plan.order.length > 0) {
    const k = plan.limit === null ? null : plan.offset + plan.limit;
    lines.push(
      k === null
        ? `sort ${sourceCount} by ${describeOrder(plan)}`
        : `top-k (k=${k}) by ${describeOrder(plan)} with a bounded heap`,
    );
  } else if (plan.limit !== null) {
    lines.push(`stop after ${plan.offset + plan.limit} matching rows (natural order)`);
  }
  if (plan.offset > 0 || plan.limit !== null)
    lines.push(`page: offset ${plan.offset}, limit ${plan.limit ?? 'none'}`);
  return lines;
}

function explainQuery(plan: QueryPlan, indent: string, access: string[]): string[] {
  const lines: string[] = [];
  lines.push(...access.map((l) => indent + l));
  if (plan.whereText) lines.push(`${indent}filter: ${plan.whereText} (compiled once to closures)`);
  lines.push(...describePaging(plan, 'matching rows').map((l) => indent + l));
  const columns = plan.fields
    .filter((f) => f.kind === 'column')
    .map((f) => (f.alias === f.column ? f.alias : `${f.alias}: ${f.column}`));
  if (columns.length > 0) lines.push(`${indent}columns: ${columns.join(', ')}`);
  for (const field of plan.fields) {
    if (field.kind !== 'relationship') continue;
    lines.push(`${indent}field ${field.alias}: ${field.relationship.describe()}`);
    const target = field.relationship.target;
    const mapping = field.relationship.pairs[0]!;
    lines.push(
      ...explainQuery(field.plan, `${indent}  `, [
        `batched: one hash lookup per parent row in index ${target.name}.${mapping[1]} (${target.rows.length} rows), related rows projected once`,
      ]),
    );
  }
  return lines;
}

/** The evaluation plan of a request in readable lines. */
export function explainPlan(plan: QueryPlan): string[] {
  const table = plan.table;
  const access: string[] = [];
  if (plan.limit === 0) access.push(`table ${table.name}: no rows read (limit 0)`);
  else if (plan.access) {
    const index = table.existingIndex(plan.access.column)!;
    const hits = plan.access.values.reduce<number>((n, v) => n + (index.get(v)?.length ?? 0), 0);
    const keys = plan.access.values.map((v) => JSON.stringify(v)).join(', ');
    access.push(
      `table ${table.name}: hash index ${table.name}.${plan.access.column} lookup [${keys}] -> ${hits} of ${table.rows.length} rows`,
    );
  } else access.push(`table ${table.name}: full scan of ${table.rows.length} rows`);
  return [`query ${table.name}`, ...explainQuery(plan, '  ', access)];
}
