import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { JWK } from "jose";
import type { Kysely } from "kysely";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/store/open-database.js";
import type { Database } from "../../src/store/schema.js";

/**
 * TEST_DATABASE_URL (a postgres:// URL whose role may create databases) runs
 * every test against PostgreSQL; without it, each test server has SQLite.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const ON_POSTGRES = Boolean(TEST_DATABASE_URL);

export function tempDir(prefix = "ps-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The data of one test: a temporary DATA_DIR, and on PostgreSQL a database of
 * its own. Every process given `env` shares it; the test reads it back here.
 */
export class TestDatabase {
  private kysely?: Kysely<Database>;

  private constructor(
    /** DATA_DIR, and DATABASE_URL on PostgreSQL. */
    readonly env: Record<string, string>,
    private readonly pgName?: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const dataDir = tempDir();
    if (!TEST_DATABASE_URL) return new TestDatabase({ DATA_DIR: dataDir });
    const name = `ps_test_${randomBytes(6).toString("hex")}`;
    await admin((client) => client.query(`create database ${name}`));
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    return new TestDatabase({ DATA_DIR: dataDir, DATABASE_URL: url.toString() }, name);
  }

  /** The store's own Kysely over this database (the test only reads, or breaks it on purpose). */
  get db(): Kysely<Database> {
    this.kysely ??= openDatabase(loadConfig(this.env).config.database);
    return this.kysely;
  }

  async userRow(userId: string) {
    const row = await this.db
      .selectFrom("users")
      .select(["password_hash", "sequence", "failed_attempts", "state", "password_change_required", "preferred_language"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    return row;
  }

  async events(userId: string): Promise<{ sequence: number; type: string; created_at: number }[]> {
    return this.db.selectFrom("events").select(["sequence", "type", "created_at"]).where("user_id", "=", userId).orderBy("sequence").execute();
  }

  async countUsers(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("org_id", "=", orgId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Events of the users whose IDs start with `prefix`. */
  async countEvents(prefix: string): Promise<number> {
    const row = await this.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("user_id", "like", `${prefix}%`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The self-issuer's stored key pair. */
  async signingKey(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
    const row = await this.db.selectFrom("signing_keys").select("value").where("name", "=", "self-issuer").executeTakeFirstOrThrow();
    return JSON.parse(row.value);
  }

  async drop(): Promise<void> {
    await this.kysely?.destroy();
    this.kysely = undefined;
    fs.rmSync(this.env.DATA_DIR, { recursive: true, force: true });
    if (this.pgName) await admin((client) => client.query(`drop database if exists ${this.pgName} with (force)`));
  }
}

async function admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
