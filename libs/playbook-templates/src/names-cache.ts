/** Least-recently-used map from a template source to the top-level variables it reads. */
export class NamesCache {
  private readonly map = new Map<string, readonly string[]>();

  constructor(private readonly capacity: number) {}

  get(key: string): readonly string[] | undefined {
    const names = this.map.get(key);
    if (names !== undefined) {
      this.map.delete(key);
      this.map.set(key, names);
    }
    return names;
  }

  set(key: string, names: readonly string[]): void {
    this.map.delete(key);
    this.map.set(key, names);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}
