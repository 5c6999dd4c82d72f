import type { Selectable } from "kysely";

/** The one schema both SQL dialects share. Times are epoch milliseconds. */
export interface Database {
  orgs: OrgTable;
  users: UserTable;
  events: EventTable;
  signing_keys: SigningKeyTable;
}

export interface OrgTable {
  id: string;
  name: string;
  created_at: number;
}

export type UserState = "initial" | "active" | "locked" | "deleted";
export type UserKind = "human" | "machine";

export interface UserTable {
  id: string;
  org_id: string;
  username: string;
  kind: UserKind;
  state: UserState;
  password_hash: string | null;
  /** Sequence of the user's latest event: the arbiter of concurrent changes. */
  sequence: number;
  failed_attempts: number;
  created_at: number;
  changed_at: number;
}

/** Append-only log of a user's events; (user_id, sequence) is unique. */
export interface EventTable {
  user_id: string;
  sequence: number;
  type: string;
  created_at: number;
  /** JSON; never holds a password, hash or token. */
  payload: string;
}

/** Signing keys every process must share: the self-issuer's, stored on first use. */
export interface SigningKeyTable {
  name: string;
  /** JSON of the key pair, as src/tokens.ts stores it. */
  value: string;
  created_at: number;
}

export type UserRow = Selectable<UserTable>;
