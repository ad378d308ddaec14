/**
 * Truthiness of a rendered value in `case.when`: empty strings, lists and mappings, 0, null and undefined are
 * false, and so are the strings "false", "none" and "0" (any case, surrounding spaces ignored).
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    return t !== '' && t !== 'false' && t !== 'none' && t !== '0';
  }
  return Boolean(value);
}
