import { type Kysely, sql, type Transaction } from "kysely";
import type { IdGenerator } from "../core/ids.js";
import { StoreInputError } from "./input-error.js";
import type { Database } from "./schema.js";

/** How a user names its organisation: by ID (created if `create`), or none for the instance's default. */
export interface OrgChoice {
  orgId?: string;
  /** The name of an organisation this creates. */
  orgName?: string;
  /** Create the organisation `orgId` if there is none. */
  create?: boolean;
}

export interface OrgSummary {
  id: string;
  name: string;
  isDefault: boolean;
  createdAt: string;
}

/** Where a new user goes: an organisation that exists, one to create, or the default one. */
export type OrgPlan = { orgId: string } | { create: { id: string; name: string } } | "default";

/** The name the default organisation gets when it is first needed. */
const DEFAULT_ORG_NAME = "default";

/** The instance and its organisations, and where a new user goes. */
export class OrgRepository {
  /** The instance's ID never changes once made: read once per process. */
  private instance?: Promise<string>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  /** The instance's ID, made by whichever process needs it first. */
  instanceId(at = new Date()): Promise<string> {
    this.instance ??= this.makeInstanceId(at).catch((err) => {
      this.instance = undefined; // a database outage must not stick
      throw err;
    });
    return this.instance;
  }

  private async makeInstanceId(at: Date): Promise<string> {
    await this.db
      .insertInto("instance")
      .values({ slot: 1, id: this.ids.next(), created_at: at.getTime() })
      .onConflict((oc) => oc.column("slot").doNothing())
      .execute();
    return (await this.db.selectFrom("instance").select("id").where("slot", "=", 1).executeTakeFirstOrThrow()).id;
  }

  async createOrg(input: { id?: string; name: string }, at = new Date()): Promise<string> {
    const id = input.id ?? this.ids.next();
    const inserted = await this.db
      .insertInto("orgs")
      .values({ id, name: input.name, created_at: at.getTime() })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new StoreInputError(`organisation ${id} exists already`);
    return id;
  }

  async listOrgs(page: { after?: string; limit: number }): Promise<OrgSummary[]> {
    let query = this.db.selectFrom("orgs").select(["id", "name", "is_default", "created_at"]).orderBy("id").limit(page.limit);
    if (page.after !== undefined) query = query.where("id", ">", page.after);
    return (await query.execute()).map((r) => ({ id: r.id, name: r.name, isDefault: r.is_default === 1, createdAt: iso(r.created_at) }));
  }

  /** The default organisation's ID, once it has been made. */
  async defaultOrgId(): Promise<string | undefined> {
    return (await this.db.selectFrom("orgs").select("id").where("is_default", "=", 1).executeTakeFirst())?.id;
  }

  async orgExists(orgId: string): Promise<boolean> {
    return (await this.db.selectFrom("orgs").select("id").where("id", "=", orgId).executeTakeFirst()) !== undefined;
  }

  /** The organisations named `name`, at most two: enough to tell none, one and several apart. */
  async orgsNamed(name: string): Promise<string[]> {
    return (await this.db.selectFrom("orgs").select("id").where("name", "=", name).limit(2).execute()).map((r) => r.id);
  }

  /**
   * Where a new user goes, decided before its transaction: in WAL mode a
   * transaction that reads first and then writes fails (SQLITE_BUSY_SNAPSHOT)
   * rather than wait when another process commits in between, so every
   * transaction here writes first.
   */
  async planOrg(choice: OrgChoice): Promise<OrgPlan> {
    if (choice.orgId === undefined) {
      // A name alone makes an organisation of its own; nothing at all, the default one.
      return choice.orgName !== undefined ? { create: { id: this.ids.next(), name: choice.orgName } } : "default";
    }
    if (await this.orgExists(choice.orgId)) {
      if (choice.orgName !== undefined && !choice.create) {
        throw new StoreInputError(`organisation ${choice.orgId} exists already: --org-name names a new one`);
      }
      return { orgId: choice.orgId };
    }
    if (!choice.create) throw new StoreInputError(`no organisation ${choice.orgId}; --create-org creates it`);
    return { create: { id: choice.orgId, name: choice.orgName ?? `org-${choice.orgId}` } };
  }

  /** Carries the plan out in the transaction: creates what it says (if no other process did), and names the organisation. */
  async applyOrgPlan(tx: Transaction<Database>, plan: OrgPlan, at: Date): Promise<string> {
    if (plan === "default") return this.defaultOrg(tx, at);
    if ("orgId" in plan) return plan.orgId;
    await tx
      .insertInto("orgs")
      .values({ id: plan.create.id, name: plan.create.name, created_at: at.getTime() })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    return plan.create.id;
  }

  /** The instance's default organisation, created by whichever process needs it first. */
  private async defaultOrg(tx: Transaction<Database>, at: Date): Promise<string> {
    await tx
      .insertInto("orgs")
      .values({ id: this.ids.next(), name: DEFAULT_ORG_NAME, created_at: at.getTime(), is_default: 1 })
      // The partial index's own predicate, as a literal: SQLite matches a conflict target's WHERE by its text.
      .onConflict((oc) => oc.column("is_default").where("is_default", "=", sql.lit(1)).doNothing())
      .execute();
    return (await tx.selectFrom("orgs").select("id").where("is_default", "=", 1).executeTakeFirstOrThrow()).id;
  }
}

/** Epoch milliseconds as an ISO 8601 time. */
export function iso(ms: number): string {
  return new Date(Number(ms)).toISOString();
}
