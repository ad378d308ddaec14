import { describe, expect, it } from 'vitest';
import { DcRequestError, formatPath, joinPath } from './errors.js';

describe('paths and errors', () => {
  it('formats paths like JSON paths', () => {
    expect(formatPath(['query', 'where', 'expressions', 2, 'column', 'name'])).toBe(
      'query.where.expressions[2].column.name',
    );
    expect(formatPath(['fields', 'a b'])).toBe('fields["a b"]');
    expect(joinPath('', 'table')).toBe('table');
    expect(joinPath('query.fields', 'x-y')).toBe('query.fields["x-y"]');
    expect(joinPath('query.fields', 'Name')).toBe('query.fields.Name');
  });

  it('serialises to { type, message, details }', () => {
    expect(new DcRequestError('unknown-table', 'm', { path: 'table' }).toBody()).toEqual({
      type: 'unknown-table',
      message: 'm',
      details: { path: 'table' },
    });
  });
});
