/** bcrypt stand-in whose operations finish when the test says so, in a log it can read. */
export class ManualOps {
  readonly started: string[] = [];
  private readonly pending = new Map<string, () => void>();

  hash(password: string): Promise<string> {
    return this.op(`hash:${password}`, `hashed:${password}`);
  }

  verify(password: string): Promise<boolean> {
    return this.op(`verify:${password}`, true);
  }

  finish(name: string): void {
    this.pending.get(name)!();
  }

  private op<T>(name: string, result: T): Promise<T> {
    this.started.push(name);
    return new Promise((resolve) => this.pending.set(name, () => resolve(result)));
  }
}
