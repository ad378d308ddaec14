import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * How representations are built: requirements written with fragments on interfaces (group F), and objects
 * whose key is null (group G), which are not sent at all.
 */
const gadgets = [
  { id: 'g1', part: { __typename: 'Wheel', label: 'front', spokes: 32 } },
  { id: 'g2', part: { __typename: 'Bolt', label: 'm6', size: 6 } },
];
const slots = [{ code: 's1' }, { code: 's2' }, { code: 's3' }];
const serials: Record<string, string | null> = { s1: 'n1', s2: null, s3: 'n3' };

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'parts',
      typeDefs: `${FED_LINK}
        type Query { gadgets: [Gadget!]! slots: [Slot!]! }
        type Gadget @key(fields: "id") { id: ID! part: Part }
        interface Part { label: String! }
        type Wheel implements Part @shareable { label: String! spokes: Int! }
        type Bolt implements Part @shareable { label: String! size: Int! }
        type Slot @key(fields: "code") { code: ID! }`,
      resolvers: {
        Query: { gadgets: () => gadgets, slots: () => slots },
        Gadget: { __resolveReference: (ref: { id: string }) => gadgets.find((g) => g.id === ref.id) },
      },
    },
    {
      name: 'pricing',
      typeDefs: `${FED_LINK}
        type Gadget @key(fields: "id") {
          id: ID!
          part: Part @external
          tag: String! @requires(fields: "part { ... on Part { label } }")
        }
        interface Part { label: String! }
        type Wheel implements Part @shareable { label: String! spokes: Int! }
        type Bolt implements Part @shareable { label: String! size: Int! }`,
      resolvers: {
        Gadget: { tag: (g: { part: { label?: string } }) => `tag:${g.part.label ?? 'missing'}` },
      },
    },
    {
      name: 'registry',
      typeDefs: `${FED_LINK}
        type Slot @key(fields: "code") @key(fields: "serial") { code: ID! serial: ID }`,
      resolvers: {
        Slot: {
          __resolveReference: (ref: { code?: string; serial?: string }) => ({
            code: ref.code,
            serial: ref.code ? serials[ref.code] : ref.serial,
          }),
        },
      },
    },
    {
      name: 'stock',
      typeDefs: `${FED_LINK}
        type Slot @key(fields: "serial") { serial: ID! count: Int }`,
      resolvers: {
        Slot: {
          __resolveReference: (ref: { serial: string | null }) => {
            if (!ref.serial) throw new Error('a representation without a serial');
            return { serial: ref.serial, count: Number(ref.serial.slice(1)) * 10 };
          },
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

describe('requirements with fragments on an interface (group F)', () => {
  const query = `{ gadgets { id tag } }`;

  it('projects the interface fragment per object type', () => {
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "parts") {
            query { gadgets { id __typename part { __typename ... on Wheel { label } ... on Bolt { label } } } }
          },
          Flatten(path: "gadgets.@") {
            Fetch(service: "pricing") {
              {
                ... on Gadget { __typename id part { ... on Wheel { label } ... on Bolt { label } } }
              } =>
              query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Gadget { tag } } }
            },
          },
        },
      }"
    `);
  });

  it('sends the required field whatever the object type', async () => {
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      gadgets: [
        { id: 'g1', tag: 'tag:front' },
        { id: 'g2', tag: 'tag:m6' },
      ],
    });
  });
});

describe('null keys (group G)', () => {
  const query = `{ slots { code count } }`;

  it('plans a hop through a second key', () => {
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "parts") {
            query { slots { code __typename } }
          },
          Flatten(path: "slots.@") {
            Fetch(service: "registry") {
              {
                ... on Slot { __typename code }
              } =>
              query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Slot { serial } } }
            },
          },
          Flatten(path: "slots.@") {
            Fetch(service: "stock") {
              {
                ... on Slot { __typename serial }
              } =>
              query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Slot { count } } }
            },
          },
        },
      }"
    `);
  });

  it('does not send objects whose key is null, and keeps the others', async () => {
    const result = await fed.run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      slots: [
        { code: 's1', count: 10 },
        { code: 's2', count: null },
        { code: 's3', count: 30 },
      ],
    });
  });
});
