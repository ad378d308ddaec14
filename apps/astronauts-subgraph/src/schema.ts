import { gql } from 'graphql-tag';

/** The astronauts subgraph: owns Astronaut and its name. */
export const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Astronaut @key(fields: "id") {
    id: ID!
    name: String
  }

  type Query {
    astronaut(id: ID!): Astronaut
    astronauts: [Astronaut]
  }
`;
