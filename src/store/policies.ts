import type { Kysely } from "kysely";
import type { AuditEntry } from "../core/audit.js";
import type { IdGenerator } from "../core/ids.js";
import type { EffectivePolicy, PasswordPolicy, PolicySource } from "../core/policy.js";
import { insertAudit } from "./audit-rows.js";
import { StoreInputError } from "./input-error.js";
import { effectiveFromRows, INSTANCE_SCOPE, policyFromRow, policyToRow } from "./policy-rows.js";
import type { Database } from "./schema.js";

/** The instance's password policy and each organisation's own. */
export class PolicyRepository implements PolicySource {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  /** The organisation's policy, else the instance default, else ZITADEL's defaults. */
  async forOrg(orgId: string): Promise<EffectivePolicy> {
    const rows = await this.db.selectFrom("policies").selectAll().where("scope", "in", [orgId, INSTANCE_SCOPE]).execute();
    return effectiveFromRows(
      rows.find((r) => r.scope === orgId),
      rows.find((r) => r.scope === INSTANCE_SCOPE),
    );
  }

  /** The instance default: stored, or ZITADEL's defaults. */
  async instancePolicy(): Promise<EffectivePolicy> {
    const row = await this.db.selectFrom("policies").selectAll().where("scope", "=", INSTANCE_SCOPE).executeTakeFirst();
    return effectiveFromRows(undefined, row);
  }

  /** The stored policy of one scope (an organisation, or the instance when orgId is undefined), if any. */
  async storedPolicy(orgId: string | undefined): Promise<PasswordPolicy | undefined> {
    const row = await this.db
      .selectFrom("policies")
      .selectAll()
      .where("scope", "=", orgId ?? INSTANCE_SCOPE)
      .executeTakeFirst();
    return row && policyFromRow(row);
  }

  /** Writes a scope's whole policy, with its audit event, in one transaction. */
  async setPolicy(orgId: string | undefined, policy: PasswordPolicy, audit: AuditEntry, at = new Date()): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The write comes first, so that a concurrent writer makes this wait rather than fail (see createUser).
      const row = policyToRow(orgId ?? INSTANCE_SCOPE, policy, at);
      const { scope, ...values } = row;
      await tx
        .insertInto("policies")
        .values(row)
        .onConflict((oc) => oc.column("scope").doUpdateSet((eb) => ({ ...values, sequence: eb(eb.ref("policies.sequence"), "+", 1) })))
        .execute();
      if (orgId !== undefined) {
        const org = await tx.selectFrom("orgs").select("id").where("id", "=", orgId).executeTakeFirst();
        if (!org) throw new StoreInputError(`no organisation ${orgId}`); // rolls the write back
      }
      await insertAudit(tx, this.ids, audit, at);
    });
  }
}
