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
