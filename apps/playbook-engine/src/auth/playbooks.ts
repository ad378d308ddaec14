/** The auth playbooks the gateway calls; registered at every start (a new version only when the text changed). */

const login = `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: auth0_login
  path: api_integration/auth0/auth0_login
  description: Verifies an Auth0/OIDC token against the issuer's JWKS, upserts the user and opens a session.
workload:
  auth0_token: ""
  session_duration_hours: 8
  client_ip: ""
  client_user_agent: ""
workflow:
  - step: start
    next: login
  - step: login
    desc: Verify the token and create a session
    tool:
      kind: auth
      action: login
      token: "{{ workload.auth0_token }}"
      session_duration_hours: "{{ workload.session_duration_hours }}"
      client_ip: "{{ workload.client_ip }}"
      client_user_agent: "{{ workload.client_user_agent }}"
    next: end
  - step: end
`;

const validate = `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: auth0_validate_session
  path: api_integration/auth0/auth0_validate_session
  description: Checks that a session token is known, not revoked and not expired.
workload:
  session_token: ""
workflow:
  - step: start
    next: validate
  - step: validate
    tool:
      kind: auth
      action: validate_session
      session_token: "{{ workload.session_token }}"
    next: end
  - step: end
`;

const checkAccess = `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: check_playbook_access
  path: api_integration/auth0/check_playbook_access
  description: Decides whether a session's user may view or execute a playbook path (deny patterns win).
workload:
  session_token: ""
  playbook_path: ""
  permission_type: execute
workflow:
  - step: start
    next: check
  - step: check
    tool:
      kind: auth
      action: check_access
      session_token: "{{ workload.session_token }}"
      playbook_path: "{{ workload.playbook_path }}"
      permission_type: "{{ workload.permission_type }}"
    next: end
  - step: end
`;

const logout = `apiVersion: noetl.io/v2
kind: Playbook
metadata:
  name: auth0_logout
  path: api_integration/auth0/auth0_logout
  description: Revokes a session at once; answers the SHA-256 of its token for the gateways' revocation broadcast.
workload:
  session_token: ""
workflow:
  - step: start
    next: logout
  - step: logout
    tool:
      kind: auth
      action: logout
      session_token: "{{ workload.session_token }}"
    next: end
  - step: end
`;

export const AUTH_PLAYBOOKS: readonly string[] = [login, validate, checkAccess, logout];

/** Catalog paths of the auth playbooks: the only executions where the `auth` tool runs. */
export const AUTH_PLAYBOOK_PATHS: readonly string[] = [
  'api_integration/auth0/auth0_login',
  'api_integration/auth0/auth0_validate_session',
  'api_integration/auth0/check_playbook_access',
  'api_integration/auth0/auth0_logout',
];
