/**
 * Collects bytes from several streams against one shared budget. Once the budget is spent, further
 * bytes are dropped and `onExceeded` fires once.
 */
export class OutputBudget {
  private used = 0;
  private exceeded = false;

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => void,
  ) {}

  get overLimit(): boolean {
    return this.exceeded;
  }

  /** Returns a sink that keeps what fits; `text()` gives back what was kept. */
  sink(): { push(chunk: Buffer): void; text(): string; bytes(): Buffer } {
    const chunks: Buffer[] = [];
    return {
      push: (chunk: Buffer) => {
        if (this.exceeded) return;
        const room = this.limit - this.used;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          this.used = this.limit;
          this.exceeded = true;
          this.onExceeded();
          return;
        }
        this.used += chunk.length;
        chunks.push(chunk);
      },
      text: () => Buffer.concat(chunks).toString('utf8'),
      bytes: () => Buffer.concat(chunks),
    };
  }
}
