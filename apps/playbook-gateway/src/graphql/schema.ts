import {
  buildSchema,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { createActionResolvers, type ActionResolverDeps } from '../actions/resolvers.js';
import { actionTypeDefs } from '../actions/type-defs.js';
import { createLogoutResolvers, logoutTypeDefs } from '../auth/logout-graphql.js';
import type { SessionLogout } from '../auth/session-logout.js';
import { createResolvers, type ResolverDeps } from './resolvers.js';
import { typeDefs } from './type-defs.js';

type FieldResolvers = Record<
  string,
  | GraphQLFieldResolver<unknown, unknown>
  | { subscribe: GraphQLFieldResolver<unknown, unknown>; resolve?: GraphQLFieldResolver<unknown, unknown> }
>;

/** Attaches resolver functions and custom scalars to a schema built from SDL. */
export function attachResolvers(schema: GraphQLSchema, resolvers: Record<string, unknown>): GraphQLSchema {
  for (const [typeName, value] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!type) throw new Error(`Resolvers for unknown type ${typeName}`);
    if (type instanceof GraphQLScalarType && value instanceof GraphQLScalarType) {
      type.serialize = value.serialize;
      type.parseValue = value.parseValue;
      type.parseLiteral = value.parseLiteral;
      continue;
    }
    if (!(type instanceof GraphQLObjectType)) throw new Error(`Cannot attach resolvers to ${typeName}`);
    const fields = type.getFields();
    for (const [fieldName, resolver] of Object.entries(value as FieldResolvers)) {
      const field = fields[fieldName];
      if (!field) throw new Error(`Resolver for unknown field ${typeName}.${fieldName}`);
      if (typeof resolver === 'function') {
        field.resolve = resolver;
      } else {
        field.subscribe = resolver.subscribe;
        if (resolver.resolve) field.resolve = resolver.resolve;
      }
    }
  }
  return schema;
}

export type GatewaySchemaDeps = ResolverDeps &
  Pick<ActionResolverDeps, 'actions'> & { logout: Pick<SessionLogout, 'logout'> };

/** The gateway's executable schema (executions and Actions), shared by Apollo (HTTP) and graphql-ws. */
export function createGatewaySchema(deps: GatewaySchemaDeps): GraphQLSchema {
  const schema = attachResolvers(
    buildSchema(typeDefs + actionTypeDefs + logoutTypeDefs),
    createResolvers(deps) as unknown as Record<string, unknown>,
  );
  attachResolvers(schema, createLogoutResolvers(deps) as unknown as Record<string, unknown>);
  return attachResolvers(schema, createActionResolvers(deps) as unknown as Record<string, unknown>);
}
