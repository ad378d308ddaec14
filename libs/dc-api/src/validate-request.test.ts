import { describe, expect, it } from 'vitest';
import { DcRequestError } from './errors.js';
import { parseQueryRequest } from './validate-request.js';

function errorOf(body: unknown): DcRequestError {
  try {
    parseQueryRequest(body);
  } catch (error) {
    if (error instanceof DcRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

const withWhere = (where: unknown) => ({
  table: 'Album',
  table_relationships: [],
  query: { fields: {}, where },
});
const column = (name: string) => ({ path: [], name });

describe('parseQueryRequest', () => {
  it('accepts a request from the specification and fills defaults', () => {
    const request = parseQueryRequest({
      table: 'Artist',
      query: {
        fields: { Name: { type: 'column', column: 'Name' } },
        where: { type: 'and', expressions: [] },
        order_by: [{ field: 'Name', order_type: 'asc' }],
        limit: null,
        offset: null,
      },
    });
    expect(request.table_relationships).toEqual([]);
    expect(request.query.order_by).toEqual([{ field: 'Name', order_type: 'asc' }]);
  });

  it('accepts a one-element array as table name', () => {
    expect(parseQueryRequest({ table: ['Artist'], query: { fields: {} } }).table).toBe('Artist');
  });

  it('defaults a missing column path to the queried table', () => {
    const request = parseQueryRequest(
      withWhere({ type: 'unary_op', operator: 'is_null', column: { name: 'Title' } }),
    );
    expect(request.query.where).toEqual({
      type: 'unary_op',
      operator: 'is_null',
      column: { path: [], name: 'Title' },
    });
  });

  it('names the exact place of an unknown operator', () => {
    const error = errorOf(
      withWhere({
        type: 'and',
        expressions: [
          { type: 'and', expressions: [] },
          { type: 'or', expressions: [] },
          { type: 'binary_op', operator: 'like', column: column('x'), value: { type: 'scalar', value: 1 } },
        ],
      }),
    );
    expect(error.type).toBe('unknown-operator');
    expect(error.details.path).toBe('query.where.expressions[2].operator');
    expect(error.message).toContain('"like"');
  });

  it('names a missing column name', () => {
    const error = errorOf(
      withWhere({
        type: 'binary_op',
        operator: 'equal',
        column: { path: [] },
        value: { type: 'scalar', value: 1 },
      }),
    );
    expect(error.details.path).toBe('query.where.column.name');
    expect(error.message).toMatch(/is required/);
  });

  it('reports unknown discriminators with the allowed values', () => {
    expect(errorOf(withWhere({ type: 'xor' })).details).toMatchObject({
      path: 'query.where.type',
      expected: ['and', 'or', 'not', 'binary_op', 'binary_arr_op', 'unary_op'],
    });
    expect(errorOf({ table: 'A', query: { fields: { f: { type: 'x' } } } }).details).toMatchObject({
      path: 'query.fields.f.type',
      expected: ['column', 'relationship'],
    });
    expect(
      errorOf(
        withWhere({ type: 'binary_op', operator: 'equal', column: column('a'), value: { type: 'variable' } }),
      ).details,
    ).toMatchObject({ path: 'query.where.value.type', expected: ['scalar', 'column'] });
  });

  it('reports non-scalar values as type mismatches', () => {
    const error = errorOf(
      withWhere({ type: 'binary_arr_op', operator: 'in', column: column('a'), values: [1, [2]] }),
    );
    expect(error.type).toBe('type-mismatch');
    expect(error.details.path).toBe('query.where.values[1]');
  });

  it('picks the order_by shape the entry was written in', () => {
    expect(
      errorOf({ table: 'A', query: { fields: {}, order_by: [{ field: 'x', order_type: 'up' }] } }).details
        .path,
    ).toBe('query.order_by[0].order_type');
    expect(errorOf({ table: 'A', query: { fields: {}, order_by: [{ column: 'x' }] } }).details.path).toBe(
      'query.order_by[0].ordering',
    );
  });

  it('quotes keys that are not identifiers', () => {
    expect(errorOf({ table: 'A', query: { fields: { 'my field': { type: 'column' } } } }).details.path).toBe(
      'query.fields["my field"].column',
    );
  });

  it('refuses bodies that are not objects or nest too deep', () => {
    expect(errorOf([]).type).toBe('invalid-request');
    let where: unknown = { type: 'and', expressions: [] };
    for (let i = 0; i < 100; i++) where = { type: 'not', expression: where };
    expect(errorOf(withWhere(where)).type).toBe('request-too-deep');
  });
});
