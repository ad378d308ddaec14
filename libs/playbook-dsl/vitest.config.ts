import { switchyardProject } from '../../vitest.shared.ts';

export default switchyardProject('playbook-dsl');
