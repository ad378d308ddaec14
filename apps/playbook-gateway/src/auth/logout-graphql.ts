import type { GatewayContext } from '../graphql/context.js';
import { gatewayError, toGraphQLError } from '../graphql/graphql-errors.js';
import type { SessionLogout } from './session-logout.js';

/** The `logout` mutation: ends the caller's own session everywhere. */
export const logoutTypeDefs = /* GraphQL */ `
  type LogoutResult {
    "true once the session is revoked: it no longer validates on any gateway replica, and its sockets are closed."
    success: Boolean!
    message: String!
  }

  extend type Mutation {
    "Revokes the session that sends it, at once and on every gateway replica; its WebSocket connections close with 4401."
    logout: LogoutResult!
  }
`;

export function createLogoutResolvers(deps: { logout: Pick<SessionLogout, 'logout'> }) {
  return {
    Mutation: {
      logout: async (_: unknown, __: unknown, ctx: GatewayContext) => {
        const session = await ctx.auth.session();
        let outcome;
        try {
          outcome = await deps.logout.logout(session.token);
        } catch (error) {
          throw toGraphQLError(error, 'logout');
        }
        if (!outcome.revoked)
          throw gatewayError('UNAUTHENTICATED', `Session is not valid: ${outcome.message}`);
        return { success: true, message: outcome.message };
      },
    },
  };
}
