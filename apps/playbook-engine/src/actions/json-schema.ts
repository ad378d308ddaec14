/**
 * A JSON Schema checker for playbook parameters: the keywords a parameter declaration needs (type,
 * properties, required, additionalProperties, items, enum, const, numeric and length bounds, pattern).
 * Unknown keywords are ignored. Returns one message per problem, each with its JSON pointer.
 */
export type JsonSchema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkJsonSchema(schema: JsonSchema, value: unknown, pointer = ''): string[] {
  const at = pointer || '(root)';
  const problems: string[] = [];
  const type = schema.type;
  if (typeof type === 'string' || Array.isArray(type)) {
    const types = (Array.isArray(type) ? type : [type]).map(String);
    if (!types.some((t) => matchesType(value, t))) {
      return [`${at} must be ${types.join(' or ')}, got ${typeOf(value)}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    problems.push(`${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    problems.push(`${at} must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${at} must be >= ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${at} must be <= ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${at} must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      problems.push(`${at} must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${at} must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${at} must have at least ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${at} must have at most ${schema.maxItems} items`);
    if (isSchema(schema.items))
      value.forEach((item, i) =>
        problems.push(...checkJsonSchema(schema.items as JsonSchema, item, `${pointer}/${i}`)),
      );
  }
  if (isSchema(value) && typeOf(value) === 'object') {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    if (Array.isArray(schema.required)) {
      for (const key of schema.required)
        if (typeof key === 'string' && !(key in value)) problems.push(`${pointer}/${key} is required`);
    }
    for (const [key, item] of Object.entries(value)) {
      const sub = properties[key];
      if (isSchema(sub)) problems.push(...checkJsonSchema(sub, item, `${pointer}/${key}`));
      else if (schema.additionalProperties === false) problems.push(`${pointer}/${key} is not allowed`);
      else if (isSchema(schema.additionalProperties))
        problems.push(...checkJsonSchema(schema.additionalProperties, item, `${pointer}/${key}`));
    }
  }
  return problems;
}

/** The schema a playbook's `workload` implies: each key keeps the JSON type of its default value. */
export function schemaFromWorkload(workload: Record<string, unknown> | undefined): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(workload ?? {})) {
    const type = typeOf(value);
    // A null default says nothing about the type; numbers accept integers and fractions.
    if (type === 'null') continue;
    properties[key] = { type: type === 'integer' ? 'number' : type };
  }
  return { type: 'object', properties };
}
