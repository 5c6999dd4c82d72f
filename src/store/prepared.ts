import { type Compilable, CompiledQuery, type DialectAdapter, type Kysely, type QueryResult } from "kysely";
import type { Database } from "./schema.js";

/** Stands where a parameter goes while a statement is built; filled in at each run. */
class Slot {
  constructor(readonly name: string) {}
}

const slots = new Proxy({}, { get: (_, name) => new Slot(String(name)) });

interface Compiled {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * A statement that Kysely builds and compiles once for each database it runs
 * on, with its parameters left open: a run fills them in and sends the SQL
 * that was compiled. Kysely builds and compiles every query anew, on the
 * event loop, with an object for every node; the statements every request
 * runs (the token's cutoff, the user, a sign-in's writes) are built once a
 * process instead. The SQL is kept for each dialect adapter: a transaction is
 * a new Kysely each time, but shares its database's adapter, so a statement
 * run inside one is not built anew. The builder names each parameter where
 * its value goes (`p.userId`); `p` has no keys to spread.
 */
export class Prepared<P extends object, R> {
  private readonly compiled = new WeakMap<DialectAdapter, Compiled>();

  constructor(private readonly build: (db: Kysely<Database>, p: P) => Compilable<R>) {}

  run(db: Kysely<Database>, values: P): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let compiled = this.compiled.get(adapter);
    if (!compiled) {
      compiled = this.build(db, slots as P).compile();
      this.compiled.set(adapter, compiled);
    }
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? values[p.name as keyof P] : p));
    return db.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
  }

  async first(db: Kysely<Database>, values: P): Promise<R | undefined> {
    return (await this.run(db, values)).rows[0];
  }
}
