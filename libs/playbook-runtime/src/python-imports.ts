/**
 * NoETL's python `libs` (`noetl/tools/python/executor.py`): `{alias: module}` becomes `import module as alias`
 * (or `import module` when both are the same), `{alias: {from, import}}` becomes `from X import Y as alias`;
 * the lines go before the step's code. Names were checked as python identifiers by the DSL.
 */
export function withImports(code: string, libs: unknown): string {
  if (!libs || typeof libs !== 'object' || Array.isArray(libs)) return code;
  const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
  const lines: string[] = [];
  for (const [alias, spec] of Object.entries(libs as Record<string, unknown>)) {
    if (!name.test(alias)) continue;
    if (typeof spec === 'string' && name.test(spec)) {
      lines.push(alias === spec ? `import ${spec}` : `import ${spec} as ${alias}`);
    } else if (spec && typeof spec === 'object') {
      const { from, import: what } = spec as { from?: unknown; import?: unknown };
      if (typeof from === 'string' && typeof what === 'string' && name.test(from) && name.test(what))
        lines.push(
          alias === what ? `from ${from} import ${what}` : `from ${from} import ${what} as ${alias}`,
        );
    }
  }
  return lines.length ? `${lines.join('\n')}\n${code}` : code;
}
