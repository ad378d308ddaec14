import type { ActionPhase } from '@switchyard/engine-client';

export class ActionNotFoundError extends Error {
  constructor(readonly actionName: string) {
    super(`Action ${actionName} does not exist`);
    this.name = 'ActionNotFoundError';
  }
}

export class ActionExistsError extends Error {
  constructor(readonly actionName: string) {
    super(`Action ${actionName} already exists`);
    this.name = 'ActionExistsError';
  }
}

/** A transition the Action's current phase does not allow; nothing was changed. */
export class InvalidActionStateError extends Error {
  constructor(
    readonly phase: ActionPhase,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidActionStateError';
  }
}

export class TypeInstanceNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`TypeInstance ${id} does not exist`);
    this.name = 'TypeInstanceNotFoundError';
  }
}
