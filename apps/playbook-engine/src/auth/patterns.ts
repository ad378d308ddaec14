/** Matches a playbook path against a permission pattern: exact, or a glob where `*` matches any run of characters. */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === path) return true;
  if (!pattern.includes('*') && !pattern.includes('?')) return false;
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return regex.test(path);
}

export interface PermissionRule {
  playbook_path: string;
  permission_type: string;
  allow: boolean;
}

/** Deny rules win over allow rules; with no matching rule, access is denied. */
export function decideAccess(
  rules: PermissionRule[],
  path: string,
  permission: string,
): { allowed: boolean; message: string } {
  const matching = rules.filter(
    (r) =>
      (r.permission_type === '*' || r.permission_type === permission) && pathMatches(r.playbook_path, path),
  );
  const deny = matching.find((r) => !r.allow);
  if (deny)
    return {
      allowed: false,
      message: `${permission} on ${path} is denied by pattern "${deny.playbook_path}"`,
    };
  const allow = matching.find((r) => r.allow);
  if (allow)
    return {
      allowed: true,
      message: `${permission} on ${path} is allowed by pattern "${allow.playbook_path}"`,
    };
  return { allowed: false, message: `no permission grants ${permission} on ${path}` };
}
