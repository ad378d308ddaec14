/**
 * The interpreter the tests run the helpers and the Jinja2 oracle with: PLAYBOOK_TEMPLATES_PYTHON when set
 * (e.g. /usr/bin/python3 to check Debian's python3-jinja2), else python3 from PATH.
 */
export const TEST_PYTHON = process.env.PLAYBOOK_TEMPLATES_PYTHON ?? 'python3';
