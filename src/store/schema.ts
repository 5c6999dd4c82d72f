import type { Generated, Selectable } from "kysely";

/** The one schema both SQL dialects share. Times are epoch milliseconds. */
export interface Database {
  orgs: OrgTable;
  users: UserTable;
  events: EventTable;
  policies: PolicyTable;
  password_history: PasswordHistoryTable;
  audit_events: AuditEventTable;
  signing_keys: SigningKeyTable;
  password_reset_codes: ResetCodeTable;
  mail_outbox: MailOutboxTable;
  instance: InstanceTable;
  sessions: SessionTable;
}

/** The instance's one row: its ID, made once like an organisation's, as ZITADEL's instances have one. */
export interface InstanceTable {
  /** Always 1: the key that keeps the row alone. */
  slot: number;
  id: string;
  created_at: number;
}

export interface OrgTable {
  id: string;
  name: string;
  created_at: number;
  /** 1 for the instance's default organisation, where users go when none is named; at most one. */
  is_default: Generated<number>;
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
  /** Epoch ms of the last password change that revoked tokens: older tokens are refused. */
  tokens_valid_after: number | null;
  /** SHA-256 (hex) of the one token that made that change and stays valid. */
  token_exempt: string | null;
  /** Epoch ms until which a password check of this user is in flight (0: none): one at a time, on every process. */
  check_lease_until: Generated<number>;
  /** Epoch ms before which no password check of this user may start: the tarpit. */
  check_not_before: Generated<number>;
  /** 1: the hash is of the password's NFKC form (nist profile); 0: as typed; null: unknown (made before this was kept). */
  password_nfkc: number | null;
  email: string | null;
  /** ZITADEL's change_required, as the last SetPassword gave it (0/1). */
  password_change_required: Generated<number>;
  /** The language of the user's mails, a served language's primary subtag (`de`); null: none chosen. */
  preferred_language: Generated<string | null>;
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
  /** JSON of the key pair, as src/crypto/tokens.ts stores it. */
  value: string;
  created_at: number;
}

export type UserRow = Selectable<UserTable>;

/** Booleans are 0/1 integers: the same on SQLite and PostgreSQL. */
export interface PolicyTable {
  /** "instance" for the instance default, else an organisation ID. */
  scope: string;
  profile: string;
  min_length: number;
  has_lowercase: number;
  has_uppercase: number;
  has_number: number;
  has_symbol: number;
  max_password_attempts: number;
  history_count: number;
  blocklist: number;
  breached_check: string;
  updated_at: number;
  /** How many times the scope's policy was set: 1 at first, one more each time after. */
  sequence: Generated<number>;
}

/** Hashes a user's password had before; `sequence` is the change that replaced it. */
export interface PasswordHistoryTable {
  user_id: string;
  sequence: number;
  password_hash: string;
  /** As users.password_nfkc. */
  password_nfkc: number | null;
  created_at: number;
}

/**
 * The audit trail: every outcome, each committed with its effect. Apart from
 * `events` so that a user's `sequence` keeps counting only the aggregate's
 * changes (created = 1, each password change the next).
 */
export interface AuditEventTable {
  /** Time-ordered ID. */
  id: string;
  user_id: string | null;
  org_id: string | null;
  type: string;
  created_at: number;
  user_agent: string | null;
  remote_address: string | null;
  /** JSON; never holds a password, hash or token. */
  payload: string;
  /** Refusals of one kind repeated within a minute share a row: how many it stands for. */
  repeat_count: Generated<number>;
  /** Epoch ms of the last repeat; null while there is none. */
  last_at: number | null;
}

/** A user's one open password reset: a new reset replaces it, a use or five wrong codes remove it. */
export interface ResetCodeTable {
  user_id: string;
  /** SHA-256 (hex) of the user ID and the code: the code itself is never stored. */
  code_hash: string;
  created_at: number;
  expires_at: number;
  /** Tries of a code so far, wrong ones and one in flight. */
  attempts: Generated<number>;
}

export type MailState = "pending" | "sent" | "failed";

/** Mail committed with what caused it, sent afterwards by whichever process claims it first. */
export interface MailOutboxTable {
  /** Time-ordered ID; also the mail's Message-ID, so that a receiver can tell a resend. */
  id: string;
  /** "password.reset" or "password.notice". */
  kind: string;
  user_id: string;
  org_id: string;
  recipient: string;
  subject: string;
  /** The text; emptied once the mail is sent or given up, since a reset mail holds a code. */
  body: string | null;
  state: MailState;
  created_at: number;
  next_attempt_at: number;
  /** Epoch ms until which a process is sending it (0: none). */
  lease_until: Generated<number>;
  attempts: Generated<number>;
  /** When it was sent or given up. */
  done_at: number | null;
  /** The last failure, in the mail server's or the network's words (never the body). */
  last_error: string | null;
}

/** A sign-in session, as ZITADEL's v2 session; its row goes when it ends. */
export interface SessionTable {
  id: string;
  /** SHA-256 (hex) of the session's current token: the token itself is never stored. */
  token_hash: string;
  /** Epoch ms the current token was made. */
  token_set_at: number;
  /** The user ID of the caller who created it. */
  creator_id: string;
  /** The checked user; null until a user check. */
  user_id: string | null;
  user_checked_at: number | null;
  password_checked_at: number | null;
  /** The session's own sequence: one more at each change. */
  sequence: number;
  created_at: number;
  changed_at: number;
  /** Epoch ms after which it no longer authenticates; null: never. */
  expires_at: number | null;
  /** JSON: key to value in base64. */
  metadata: string;
  /** JSON of the user agent as given (fingerprint ID, IP, description, headers). */
  user_agent: string;
  /** The user agent's fingerprint ID, for ListSessions' query. */
  fingerprint_id: string | null;
}
