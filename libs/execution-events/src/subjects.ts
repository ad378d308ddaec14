/** Default subject prefix (`NATS_UPDATES_SUBJECT_PREFIX`). */
export const DEFAULT_SUBJECT_PREFIX = 'playbooks.executions.';
/** The JetStream stream that keeps every execution's events. */
export const EXECUTION_STREAM = 'PLAYBOOK_EXECUTIONS';

const TOKEN = /^[^\s.*>]+$/;

/** Normalises a prefix so that it ends with exactly one dot. */
export function normalizePrefix(prefix: string = DEFAULT_SUBJECT_PREFIX): string {
  const trimmed = prefix.trim().replace(/\.+$/, '');
  if (!trimmed || trimmed.split('.').some((t) => !TOKEN.test(t))) {
    throw new Error(
      `Invalid subject prefix "${prefix}": expected dot-separated tokens such as playbooks.executions.`,
    );
  }
  return `${trimmed}.`;
}

/** `playbooks.executions.<executionId>.events` */
export function executionSubject(executionId: string, prefix?: string): string {
  if (!TOKEN.test(executionId)) throw new Error(`Invalid execution id for a subject: "${executionId}"`);
  return `${normalizePrefix(prefix)}${executionId}.events`;
}

/** The wildcard the stream captures: `playbooks.executions.*.events`. */
export function executionSubjectsWildcard(prefix?: string): string {
  return `${normalizePrefix(prefix)}*.events`;
}

/** The execution id in a subject built by {@link executionSubject}, or undefined. */
export function executionIdFromSubject(subject: string, prefix?: string): string | undefined {
  const p = normalizePrefix(prefix);
  if (!subject.startsWith(p) || !subject.endsWith('.events')) return undefined;
  const id = subject.slice(p.length, -'.events'.length);
  return TOKEN.test(id) ? id : undefined;
}
