import { gql } from 'graphql-tag';

/** The missions subgraph: owns Mission and contributes Astronaut.missions. */
export const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Astronaut @key(fields: "id") {
    id: ID!
    missions: [Mission]
  }

  type Mission @key(fields: "id") {
    id: ID!
    crew: [Astronaut]
    designation: String!
    startDate: String
    endDate: String
  }

  type Query {
    mission(id: ID!): Mission
    missions: [Mission]
  }
`;
