export { TemplateEngine, type Context, type TemplateProblem, type ValidateAs } from './template-engine.js';
export { DEFAULT_OPTIONS, type TemplateEngineOptions } from './engine-options.js';
export { TemplateError, type TemplateErrorCode } from './template-error.js';
export { truthy } from './truthy.js';
export { hasTemplate, singleExpression } from './template-source.js';
export { INSTALL_HINT } from './python-executable.js';
