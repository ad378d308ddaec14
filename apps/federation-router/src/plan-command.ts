import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FederationGateway, printPlan } from '@switchyard/federation';

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

const USAGE = `Usage: switchyard-router plan --supergraph FILE --query FILE [--operation NAME] [--variables JSON]

Prints the query plan the router would run for an operation.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** Runs the CLI; returns the exit code. */
export async function runCli(args: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'plan' || rest.includes('--help')) {
    io.err(USAGE);
    return command === 'plan' || command === '--help' ? 0 : 2;
  }
  const supergraphPath = option(rest, '--supergraph');
  const queryPath = option(rest, '--query');
  if (!supergraphPath || !queryPath) {
    io.err(USAGE);
    return 2;
  }
  try {
    // `npm run plan -w apps/federation-router` runs in the workspace folder; resolve paths where npm was started.
    const base = process.env.INIT_CWD ?? process.cwd();
    const [sdl, query] = await Promise.all([
      readFile(resolve(base, supergraphPath), 'utf8'),
      readFile(resolve(base, queryPath), 'utf8'),
    ]);
    const gateway = new FederationGateway({ supergraphSdl: sdl });
    const variablesText = option(rest, '--variables');
    const variables = variablesText ? (JSON.parse(variablesText) as Record<string, unknown>) : undefined;
    io.out(printPlan(gateway.planFor(query, option(rest, '--operation'), variables)));
    await gateway.close();
    return 0;
  } catch (error) {
    const e = error as Error & { extensions?: { code?: string } };
    io.err(`error${e.extensions?.code ? ` [${e.extensions.code}]` : ''}: ${e.message}`);
    return 1;
  }
}
