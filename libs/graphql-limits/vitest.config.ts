import { switchyardProject } from '../../vitest.shared.ts';

export default switchyardProject('graphql-limits');
