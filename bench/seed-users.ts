import type { Kysely } from "kysely";
import { IdGenerator } from "../src/core/ids.js";
import type { Database } from "../src/store/schema.js";

/**
 * Adds `count` active users named PREFIX-0.. in one new organisation, all
 * with the same hash, in batches straight into the tables: creating a
 * million users one by one would take longer than the benchmark. Not part
 * of the service's store, which makes users only one at a time.
 */
export async function seedUsers(db: Kysely<Database>, prefix: string, count: number, passwordHash: string): Promise<string[]> {
  const ids = new IdGenerator();
  const at = Date.now();
  const orgId = ids.next();
  const userIds: string[] = [];
  const batch = 1000;
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("orgs").values({ id: orgId, name: prefix, created_at: at }).execute();
    for (let start = 0; start < count; start += batch) {
      const batchIds = Array.from({ length: Math.min(batch, count - start) }, () => ids.next());
      userIds.push(...batchIds);
      await tx
        .insertInto("users")
        .values(
          batchIds.map((id, i) => ({
            id,
            org_id: orgId,
            username: `${prefix}-${start + i}`,
            kind: "human" as const,
            state: "active" as const,
            password_hash: passwordHash,
            sequence: 1,
            failed_attempts: 0,
            created_at: at,
            changed_at: at,
          })),
        )
        .execute();
      await tx
        .insertInto("events")
        .values(batchIds.map((id) => ({ user_id: id, sequence: 1, type: "user.added", created_at: at, payload: "{}" })))
        .execute();
    }
  });
  return userIds;
}
