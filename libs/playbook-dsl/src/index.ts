export * from './schema.js';
export * from './validate.js';
export * from './declarations.js';
export { normalizeNoetlPlaybook } from './noetl-forms.js';
export type { NormalizedPlaybook } from './noetl-forms.js';
export { duplicateKeyWarnings } from './yaml-duplicates.js';
