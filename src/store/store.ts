import type { Kysely } from "kysely";
import type { IdGenerator } from "../core/ids.js";
import { AuditRepository } from "./audit.js";
import { ImportRepository } from "./imports.js";
import { MailOutboxRepository } from "./mail-outbox.js";
import { migrateToLatest } from "./migrations.js";
import { OrgRepository } from "./organisations.js";
import { PolicyRepository } from "./policies.js";
import { ResetCodeRepository } from "./reset-codes.js";
import type { Database } from "./schema.js";
import { SessionRepository } from "./sessions.js";
import { SigningKeyRepository } from "./signing-keys.js";
import { UserAdminRepository } from "./user-admin.js";
import { UserRepository } from "./users.js";

/**
 * The database and its repositories, one for each aggregate, as Kysely's
 * own example cuts them: the only modules that speak SQL.
 */
export class Store {
  /** Users as the change, the reset and the revocation check see them. */
  readonly users: UserRepository;
  readonly resetCodes: ResetCodeRepository;
  readonly policies: PolicyRepository;
  readonly audit: AuditRepository;
  readonly signingKeys: SigningKeyRepository;
  /** The instance and its organisations. */
  readonly orgs: OrgRepository;
  /** Users as administrators create, list and find them. */
  readonly userAdmin: UserAdminRepository;
  /** Users brought in from another system. */
  readonly imports: ImportRepository;
  /** Mail waiting to be sent. */
  readonly outbox: MailOutboxRepository;
  /** Sign-in sessions. */
  readonly sessions: SessionRepository;

  constructor(
    readonly db: Kysely<Database>,
    ids: IdGenerator,
  ) {
    this.users = new UserRepository(db, ids);
    this.resetCodes = new ResetCodeRepository(db, ids);
    this.policies = new PolicyRepository(db, ids);
    this.audit = new AuditRepository(db, ids);
    this.signingKeys = new SigningKeyRepository(db);
    this.orgs = new OrgRepository(db, ids);
    this.userAdmin = new UserAdminRepository(db, ids, this.orgs);
    this.imports = new ImportRepository(db, ids, this.orgs);
    this.outbox = new MailOutboxRepository(db, ids);
    this.sessions = new SessionRepository(db, ids);
  }

  async migrate(): Promise<string[]> {
    return migrateToLatest(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
