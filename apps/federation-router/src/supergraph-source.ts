import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  composeFromSubgraphs,
  FederationGateway,
  SupergraphError,
  type FederationGatewayOptions,
} from '@switchyard/federation';
import type { Logger } from 'pino';

type GatewayOptions = Omit<FederationGatewayOptions, 'supergraphSdl'>;

/**
 * Holds the current gateway. A new supergraph file is validated completely before it replaces the old one;
 * requests already running keep the gateway they started with. An invalid file is logged and ignored.
 */
export class SupergraphSource {
  private current: FederationGateway;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private lastSdl: string;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    gateway: FederationGateway,
    private readonly options: GatewayOptions,
    private readonly logger: Logger,
    private readonly onReload?: (ok: boolean) => void,
  ) {
    this.current = gateway;
    this.lastSdl = gateway.supergraph.sdl;
  }

  static fromSdl(
    sdl: string,
    options: GatewayOptions,
    logger: Logger,
    onReload?: (ok: boolean) => void,
  ): SupergraphSource {
    return new SupergraphSource(
      new FederationGateway({ ...options, supergraphSdl: sdl }),
      options,
      logger,
      onReload,
    );
  }

  /** Reads the file; throws (naming the type/field at fault) when it is not a usable supergraph. */
  static async fromFile(
    path: string,
    options: GatewayOptions,
    logger: Logger,
    watchFile: boolean,
    onReload?: (ok: boolean) => void,
  ) {
    const sdl = await readFile(path, 'utf8').catch((error: Error) => {
      throw new Error(`cannot read supergraph ${path}: ${error.message}`);
    });
    const source = SupergraphSource.fromSdl(sdl, options, logger, onReload);
    if (watchFile) source.watch(path);
    return source;
  }

  /** Composes from running subgraphs; unreachable subgraphs are retried for up to `waitMs` (composition errors are not). */
  static async fromSubgraphs(
    list: Array<{ name: string; url: string }>,
    options: GatewayOptions,
    logger: Logger,
    waitMs = 30_000,
  ) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const sdl = await composeFromSubgraphs(list, Math.min(options.timeoutMs ?? 10_000, 10_000));
        return SupergraphSource.fromSdl(sdl, options, logger);
      } catch (error) {
        if (error instanceof SupergraphError || Date.now() > deadline) throw error;
        logger.warn(
          { reason: (error as Error).message },
          'subgraphs not reachable yet; retrying composition',
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  get gateway(): FederationGateway {
    return this.current;
  }

  private watch(path: string): void {
    // Watch the directory: editors and deploy tools replace files by rename.
    const name = basename(path);
    this.watcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reloading = this.reloading.then(async () => {
          await this.reload(path);
        });
      }, 50);
    });
    this.watcher.on('error', (error) => this.logger.warn({ err: error }, 'supergraph watcher failed'));
  }

  /** Re-reads the file and swaps the gateway if the new supergraph is valid. */
  async reload(path: string): Promise<boolean> {
    let sdl: string;
    try {
      sdl = await readFile(path, 'utf8');
    } catch (error) {
      this.logger.warn(
        { path, reason: (error as Error).message },
        'supergraph file unreadable; keeping the current one',
      );
      return false;
    }
    if (sdl === this.lastSdl) return false;
    this.lastSdl = sdl;
    try {
      const next = new FederationGateway({ ...this.options, supergraphSdl: sdl });
      this.current = next;
      this.logger.info({ path, subgraphs: Object.keys(next.subgraphUrls()) }, 'supergraph reloaded');
      this.onReload?.(true);
      return true;
    } catch (error) {
      this.logger.error(
        { path, reason: (error as Error).message },
        'new supergraph is invalid; keeping the current one',
      );
      this.onReload?.(false);
      return false;
    }
  }

  /** Resolves once pending reloads have been applied (tests). */
  settled(): Promise<void> {
    return this.reloading;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
