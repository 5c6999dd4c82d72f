import type { Kysely } from "kysely";
import type { SigningKeyStore } from "../core/signing-keys.js";
import type { Database } from "./schema.js";

/** The self-issuer's signing key, and any other stored under a name. */
export class SigningKeyRepository implements SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The signing key stored under `name`, storing `create()`'s first if there
   * is none. Processes that race on first use all read the one that won.
   */
  async signingKey(name: string, create: () => Promise<string>): Promise<string> {
    const read = () => this.db.selectFrom("signing_keys").select("value").where("name", "=", name).executeTakeFirst();
    const existing = await read();
    if (existing) return existing.value;
    await this.db
      .insertInto("signing_keys")
      .values({ name, value: await create(), created_at: Date.now() })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    return (await read())!.value;
  }
}
