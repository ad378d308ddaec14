import { describe, expect, it } from 'vitest';
import { OperationBudget } from './operation-budget.js';

describe('OperationBudget', () => {
  const options = {
    windowMs: 60_000,
    operationsPerIp: 100,
    operationsPerSession: 10,
    costPerIp: 1_000,
    costPerSession: 500,
  };

  it('counts root fields, not requests: one request with 11 operations passes a session limit of 10', () => {
    const limited: string[] = [];
    const budget = new OperationBudget({ ...options, onLimited: (s) => limited.push(s) });
    expect(budget.charge({ ip: 'a', token: 't' }, { operations: 11, cost: 11 })).toMatchObject({
      allowed: false,
      scope: 'session',
    });
    expect(limited).toEqual(['session']);
    // Without a session only the address counts.
    expect(budget.charge({ ip: 'b' }, { operations: 11, cost: 11 }).allowed).toBe(true);
  });

  it('charges cost: cheap operations pass, an expensive one uses the budget up', () => {
    const budget = new OperationBudget(options);
    expect(budget.charge({ ip: 'a', token: 't' }, { operations: 1, cost: 400 }).allowed).toBe(true);
    expect(budget.charge({ ip: 'a', token: 't' }, { operations: 1, cost: 200 })).toMatchObject({
      allowed: false,
      scope: 'session',
    });
    expect(budget.charge({ ip: 'a', token: 'other' }, { operations: 1, cost: 300 }).allowed).toBe(true);
    expect(budget.charge({ ip: 'a', token: 'third' }, { operations: 1, cost: 200 })).toMatchObject({
      allowed: false,
      scope: 'ip',
    });
  });
});

describe('OperationBudget.exhausted', () => {
  it('reports a used-up budget without counting, so refused requests cost nothing more', () => {
    const budget = new OperationBudget({
      windowMs: 60_000,
      operationsPerIp: 3,
      operationsPerSession: 100,
      costPerIp: 1_000,
      costPerSession: 1_000,
    });
    for (let i = 0; i < 5; i++) expect(budget.exhausted({ ip: 'a' }).allowed).toBe(true);
    expect(budget.charge({ ip: 'a' }, { operations: 3, cost: 3 }).allowed).toBe(true);
    expect(budget.exhausted({ ip: 'a' })).toMatchObject({ allowed: false, scope: 'ip' });
    expect(budget.exhausted({ ip: 'b' }).allowed).toBe(true);
  });
});
