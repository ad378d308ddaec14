import { serverAudits, type AuditResult } from 'graphql-http';

export interface GraphQLHttpAuditReport {
  total: number;
  ok: number;
  /** Every audit that did not pass, with graphql-http's reason (warnings and notices included). */
  problems: Array<{ id: string; name: string; status: AuditResult['status']; reason: string }>;
}

/**
 * Runs graphql-http's GraphQL-over-HTTP server audits against a live endpoint (e.g. http://127.0.0.1:4000/graphql).
 */
export async function auditGraphQLHttp(
  url: string,
  fetchFn: typeof fetch = fetch,
): Promise<GraphQLHttpAuditReport> {
  const audits = serverAudits({ url, fetchFn });
  const problems: GraphQLHttpAuditReport['problems'] = [];
  let ok = 0;
  for (const audit of audits) {
    const result = await audit.fn();
    if (result.status === 'ok') ok++;
    else problems.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason });
  }
  return { total: audits.length, ok, problems };
}
