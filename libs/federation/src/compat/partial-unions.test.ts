import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FED_LINK, startFederation, type Federation } from '../test-fixtures/harness.js';
import { printPlan } from '../index.js';

/**
 * A union whose members differ between subgraphs, under a field both subgraphs share (group I): there only the
 * members every candidate subgraph has are asked for; where the path pins one subgraph, all of its members are.
 */
const events = [
  { __typename: 'Note', text: 'shared note' },
  { __typename: 'Alarm', level: 3 },
  { __typename: 'Memo', author: 'ann' },
];

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation([
    {
      name: 'north',
      typeDefs: `${FED_LINK}
        type Query { board: Board pinned: Feed }
        type Board @key(fields: "id") { id: ID! feed: Feed @shareable }
        type Feed @shareable { events: [Event!]! @shareable }
        union Event = Note | Alarm
        type Note @shareable { text: String }
        type Alarm { level: Int }`,
      resolvers: {
        Query: { board: () => ({ id: 'b1' }), pinned: () => ({ events: events.slice(0, 2) }) },
        Board: { feed: () => ({ events: events.slice(0, 2) }) },
      },
    },
    {
      name: 'south',
      typeDefs: `${FED_LINK}
        type Board @key(fields: "id") { id: ID! feed: Feed @shareable southFeed: Feed }
        type Feed @shareable { events: [Event!]! @shareable }
        union Event = Note | Memo
        type Note @shareable { text: String }
        type Memo { author: String }`,
      resolvers: {
        Board: {
          __resolveReference: (ref: { id: string }) => ref,
          feed: () => ({ events: [events[0], events[2]] }),
          southFeed: () => ({ events: [events[0], events[2]] }),
        },
      },
    },
  ]);
});
afterAll(async () => {
  await fed?.close();
});

const selection = `events { __typename ... on Note { text } ... on Alarm { level } ... on Memo { author } }`;

describe('partial unions on shared paths (group I)', () => {
  it('asks only for members common to the subgraphs sharing the field', async () => {
    const query = `{ board { feed { ${selection} } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Fetch(service: "north") {
          query { board { feed { events { __typename ... on Note { __typename text } } } } }
        },
      }"
    `);
    expect((await fed.run(query)).data).toEqual({
      board: {
        feed: {
          events: [
            { __typename: 'Note', text: 'shared note' },
            { __typename: 'Alarm', level: null },
          ],
        },
      },
    });
  });

  it('asks for every member where only one subgraph can answer the path', async () => {
    const query = `{ pinned { ${selection} } board { southFeed { ${selection} } } }`;
    expect(printPlan(fed.ours.planFor(query))).toMatchInlineSnapshot(`
      "QueryPlan {
        Sequence {
          Fetch(service: "north") {
            query { pinned { events { __typename ... on Note { __typename text } ... on Alarm { __typename level } } } board { __typename id } }
          },
          Flatten(path: "board") {
            Fetch(service: "south") {
              {
                ... on Board { __typename id }
              } =>
              query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Board { southFeed { events { __typename ... on Note { __typename text } ... on Memo { __typename author } } } } } }
            },
          },
        },
      }"
    `);
    expect((await fed.run(query)).data).toEqual({
      pinned: {
        events: [
          { __typename: 'Note', text: 'shared note' },
          { __typename: 'Alarm', level: 3 },
        ],
      },
      board: {
        southFeed: {
          events: [
            { __typename: 'Note', text: 'shared note' },
            { __typename: 'Memo', author: 'ann' },
          ],
        },
      },
    });
  });
});
