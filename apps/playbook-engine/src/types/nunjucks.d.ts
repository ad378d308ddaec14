declare module 'nunjucks' {
  interface EnvironmentOptions {
    autoescape?: boolean;
    throwOnUndefined?: boolean;
    trimBlocks?: boolean;
    lstripBlocks?: boolean;
  }
  export class Environment {
    constructor(loader?: null, options?: EnvironmentOptions);
    renderString(source: string, context: object): string;
    addFilter(name: string, fn: (...args: never[]) => unknown): Environment;
    addGlobal(name: string, value: unknown): Environment;
  }
  export class Template {
    constructor(source: string, env: Environment, path?: string | null, eagerCompile?: boolean);
    render(context: object): string;
  }
  const nunjucks: { Environment: typeof Environment; Template: typeof Template };
  export default nunjucks;
}
