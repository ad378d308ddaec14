import { GraphQLError } from 'graphql';
import { FED_LINK, type FixtureSubgraph } from './harness.js';

/**
 * A federation exercising Federation 2 features: entity interfaces and @interfaceObject, unions and
 * interfaces whose members live in different subgraphs, @override, @requires (nested and with arguments),
 * @shareable root fields, non-resolvable keys, enums and input types that differ between subgraphs.
 */
const books = [
  { id: 'b1', title: 'Dune', pages: 412, authorId: 'a1', genre: 'FICTION', publisherId: 'p1' },
  { id: 'b2', title: 'Cosmos', pages: 365, authorId: 'a2', genre: 'SCIENCE', publisherId: 'p1' },
  { id: 'b3', title: 'Odes', pages: 90, authorId: 'a1', genre: 'POETRY', publisherId: 'p2' },
];
const authors = [
  { id: 'a1', name: 'Frank Herbert', bio: 'old bio a1' },
  { id: 'a2', name: 'Carl Sagan', bio: 'old bio a2' },
];
const movies = [
  { id: 'm1', title: 'Dune (1984)', directorId: 'a1', publisherId: 'p1', minutes: 137 },
  { id: 'm2', title: 'Contact', directorId: 'a2', publisherId: 'p2', minutes: 150 },
];
const publishers = [
  { id: 'p1', name: 'Chilton' },
  { id: 'p2', name: 'Random House' },
];
const ratings: Record<string, number> = { b1: 5, b2: 4, b3: 3, m1: 2, m2: 4 };
const state = { libraryTags: [] as string[], cinemaTags: [] as string[] };

export const featureSubgraphs: FixtureSubgraph[] = [
  {
    name: 'library',
    typeDefs: `${FED_LINK}
      type Query {
        books(genre: Genre, filter: BookFilter, format: Format): [Book!]!
        book(id: ID!): Book
        node(id: ID!): Node
        feed: [Media!]!
        search(text: String!): [SearchResult!]!
        publisher(id: ID!): Publisher @shareable
        failingBook: Book
      }
      type Mutation { addTag(tag: String!): [String!]! resetTags: Boolean! touchBook(id: ID!): Book }
      input BookFilter { minPages: Int titlePrefix: String }
      enum Genre { FICTION SCIENCE POETRY }
      enum Format { HARDCOVER DIGITAL }
      interface Node { id: ID! }
      interface Media @key(fields: "id") { id: ID! title: String! }
      type Book implements Node & Media @key(fields: "id") {
        id: ID! title: String! pages: Int! genre: Genre! author: Author! publisher: Publisher!
        excerpt(words: Int!): String!
        secretCode: String @inaccessible
        brokenField: String
        strictField: String!
      }
      type Author @key(fields: "id") { id: ID! name: String! bio: String books: [Book!]! }
      type Publisher @key(fields: "id") { id: ID! name: String! @shareable books: [Book!]! stats: PublisherStats @shareable }
      type PublisherStats @shareable { founded: Int }
      union SearchResult = Book | Author`,
    resolvers: {
      Query: {
        books: (_: unknown, a: { genre?: string; filter?: { minPages?: number; titlePrefix?: string } }) =>
          books.filter(
            (b) =>
              (!a.genre || b.genre === a.genre) &&
              (a.filter?.minPages === undefined || b.pages >= a.filter.minPages) &&
              (!a.filter?.titlePrefix || b.title.startsWith(a.filter.titlePrefix)),
          ),
        book: (_: unknown, a: { id: string }) => books.find((b) => b.id === a.id) ?? null,
        node: (_: unknown, a: { id: string }) => books.find((b) => b.id === a.id) ?? null,
        feed: () => books,
        search: (_: unknown, a: { text: string }) => [
          ...books.filter((b) => b.title.includes(a.text)),
          ...authors.filter((x) => x.name.includes(a.text)).map((x) => ({ ...x, __typename: 'Author' })),
        ],
        publisher: (_: unknown, a: { id: string }) => publishers.find((p) => p.id === a.id) ?? null,
        failingBook: () => {
          throw new GraphQLError('book store is closed', { extensions: { code: 'STORE_CLOSED' } });
        },
      },
      Mutation: {
        addTag: (_: unknown, a: { tag: string }) => {
          state.libraryTags.push(a.tag);
          return [...state.libraryTags, ...state.cinemaTags.map((t) => `cinema:${t}`)];
        },
        touchBook: (_: unknown, a: { id: string }) => books.find((b) => b.id === a.id) ?? null,
        resetTags: () => {
          state.libraryTags = [];
          state.cinemaTags = [];
          return true;
        },
      },
      Node: { __resolveType: () => 'Book' },
      Media: {
        __resolveType: () => 'Book',
        __resolveReference: (ref: { id: string }) => books.find((b) => b.id === ref.id),
      },
      SearchResult: { __resolveType: (v: { __typename?: string }) => v.__typename ?? 'Book' },
      Book: {
        __resolveReference: (ref: { id: string }) => books.find((b) => b.id === ref.id) ?? null,
        author: (b: { authorId: string }) => authors.find((x) => x.id === b.authorId),
        publisher: (b: { publisherId: string }) => publishers.find((p) => p.id === b.publisherId),
        secretCode: () => 'hidden',
        excerpt: (b: { title: string }, a: { words: number }) =>
          `${b.title} begins: ${'lorem ipsum dolor sit amet'.split(' ').slice(0, a.words).join(' ')}`,
        brokenField: (b: { id: string }) => {
          throw new GraphQLError(`broken for ${b.id}`);
        },
        strictField: () => null,
      },
      Author: {
        __resolveReference: (ref: { id: string }) => authors.find((x) => x.id === ref.id) ?? null,
        books: (x: { id: string }) => books.filter((b) => b.authorId === x.id),
      },
      Publisher: {
        __resolveReference: (ref: { id: string }) => publishers.find((p) => p.id === ref.id) ?? null,
        books: (p: { id: string }) => books.filter((b) => b.publisherId === p.id),
        stats: (p: { id: string }) => ({ founded: p.id === 'p1' ? 1904 : 1927 }),
      },
    },
  },
  {
    name: 'cinema',
    typeDefs: `${FED_LINK}
      type Query { movies(format: Format): [Movie!]! publisher(id: ID!): Publisher @shareable lookup(id: ID!): Node }
      type Mutation { addMovieTag(tag: String!): [String!]! }
      enum Format { DIGITAL FILM }
      interface Node { id: ID! }
      type Movie implements Node @key(fields: "id") { id: ID! title: String! minutes: Int! director: Author! }
      type Author @key(fields: "id") {
        id: ID!
        bio: String @override(from: "library")
        name: String! @external
        filmography: [Movie!]!
        signature: String @requires(fields: "name")
      }
      type Book @key(fields: "id") {
        id: ID!
        pages: Int! @external
        author: Author! @external
        readingMinutes(speed: Int = 2): Int @requires(fields: "pages")
        authorLabel: String @requires(fields: "author { name }")
        excerpt(words: Int!): String! @external
        teaser: String @requires(fields: "excerpt(words: 2)")
      }
      type Publisher @key(fields: "id") { id: ID! name: String! @shareable movies: [Movie!]! stats: PublisherStats @shareable }
      type PublisherStats @shareable { founded: Int oscars: Int }
      union SearchResult = Movie`,
    resolvers: {
      Query: {
        movies: () => movies,
        publisher: (_: unknown, a: { id: string }) => publishers.find((p) => p.id === a.id) ?? null,
        lookup: (_: unknown, a: { id: string }) => movies.find((m) => m.id === a.id) ?? null,
      },
      Mutation: {
        addMovieTag: (_: unknown, a: { tag: string }) => {
          state.cinemaTags.push(a.tag);
          return [...state.libraryTags, ...state.cinemaTags.map((t) => `cinema:${t}`)];
        },
      },
      Node: { __resolveType: () => 'Movie' },
      SearchResult: { __resolveType: () => 'Movie' },
      Movie: {
        __resolveReference: (ref: { id: string }) => movies.find((m) => m.id === ref.id) ?? null,
        director: (m: { directorId: string }) => ({ id: m.directorId }),
      },
      Author: {
        __resolveReference: (ref: { id: string; name?: string }) => ({ ...ref }),
        bio: (x: { id: string }) => `new bio ${x.id}`,
        filmography: (x: { id: string }) => movies.filter((m) => m.directorId === x.id),
        signature: (x: { name?: string }) => (x.name ? `~${x.name.toUpperCase()}~` : null),
      },
      Book: {
        __resolveReference: (ref: { id: string; pages?: number; author?: { name: string } }) => ({ ...ref }),
        readingMinutes: (b: { pages?: number }, a: { speed: number }) =>
          b.pages === undefined ? null : Math.ceil(b.pages / a.speed),
        authorLabel: (b: { author?: { name?: string } }) => (b.author?.name ? `by ${b.author.name}` : null),
        teaser: (b: { excerpt?: string }) => (b.excerpt ? `${b.excerpt}...` : null),
      },
      Publisher: {
        __resolveReference: (ref: { id: string }) => publishers.find((p) => p.id === ref.id) ?? null,
        movies: (p: { id: string }) => movies.filter((m) => m.publisherId === p.id),
        stats: (p: { id: string }) => ({
          founded: p.id === 'p1' ? 1904 : 1927,
          oscars: p.id === 'p1' ? 2 : 5,
        }),
      },
    },
  },
  {
    name: 'ratings',
    typeDefs: `${FED_LINK}
      type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int! ratedBy: [Critic!]! }
      type Critic { name: String! favorite: Movie }
      type Movie @key(fields: "id", resolvable: false) { id: ID! }
      type Query { critics: [Critic!]! topRated: [Media!]! media(id: ID!): Media }`,
    resolvers: {
      Query: {
        critics: () => [{ name: 'Roger', favoriteId: 'm2' }],
        topRated: () => [{ id: 'b1' }, { id: 'b3' }],
        media: (_: unknown, a: { id: string }) => (ratings[a.id] === undefined ? null : { id: a.id }),
      },
      Critic: { favorite: (c: { favoriteId: string }) => ({ id: c.favoriteId }) },
      Media: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        rating: (m: { id: string }) => ratings[m.id] ?? 0,
        ratedBy: () => [{ name: 'Roger', favoriteId: 'm2' }],
      },
    },
  },
];
