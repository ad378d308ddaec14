type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * NoETL's http tool reads run-time overrides from the step's args (`task_with` in
 * `noetl/tools/http/executor.py`): `endpoint`/`url` replace the URL, `params` and `headers` merge,
 * `data` routes to the query (GET/DELETE) or the body, `payload` merges into the body. A pagination
 * retry passes its new params this way.
 */
export function applyHttpOverrides(config: Dict, args: Dict): Dict {
  const out: Dict = { ...config };
  const url = args.endpoint ?? args.url;
  if (typeof url === 'string' && url) out.url = url;
  if (isDict(args.params)) out.params = { ...(isDict(out.params) ? out.params : {}), ...args.params };
  if (isDict(args.headers)) out.headers = { ...(isDict(out.headers) ? out.headers : {}), ...args.headers };
  const method = String(out.method ?? 'GET').toUpperCase();
  if (isDict(args.data)) {
    if (method === 'GET' || method === 'DELETE')
      out.params = { ...(isDict(out.params) ? out.params : {}), ...args.data };
    else out.body = { ...(isDict(out.body) ? out.body : {}), ...args.data };
  }
  if (isDict(args.payload) && method !== 'GET' && method !== 'DELETE')
    out.body = { ...(isDict(out.body) ? out.body : {}), ...args.payload };
  return out;
}
