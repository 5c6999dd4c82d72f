// The users of the systems people leave (Keycloak, Auth0, ZITADEL), each
// turned into a row of the service's own JSON Lines format, so that every
// format goes through the same checks and gives the same rows. Hashes are
// rewritten into the encodings src/crypto/imported-hash.ts verifies; what
// maps onto none of them is refused by name.

import { servedLanguage } from "../core/messages.js";

/** A record that cannot be imported, with a reason that quotes no secret. */
export class RecordRefused extends Error {}

export type Format = "jsonl" | "keycloak" | "auth0" | "zitadel";

export const FORMATS: readonly Format[] = ["jsonl", "keycloak", "auth0", "zitadel"];

/** A row of the JSON Lines format: what parseRow checks. */
export type Row = Record<string, unknown>;

type Json = Record<string, unknown>;

function object(value: unknown, name: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RecordRefused(`${name} is not a JSON object`);
  return value as Json;
}

/** A string field, or undefined when absent; anything else is refused. */
function text(record: Json, name: string, label = name): string | undefined {
  const value = record[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new RecordRefused(`${label} must be a string`);
  return value;
}

/**
 * A foreign record's language, as a served language's primary subtag: a
 * language the service does not serve (or ZITADEL's "und") leaves the user
 * without one, to be mailed in the request's language or English, rather
 * than the user out of the import.
 */
function language(value: unknown, label: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new RecordRefused(`${label} must be a string`);
  return servedLanguage(value);
}

/** A field of an optional nested object, such as Auth0's user_metadata. */
function nested(record: Json, name: string): Json {
  return record[name] === undefined || record[name] === null ? {} : object(record[name], name);
}

/** The record's ID as given, for the report: a rejected record is named by its position and this. */
export function recordId(format: Format, value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Json;
  const id = { jsonl: record.id, keycloak: record.id, auth0: record.user_id, zitadel: record.userId }[format];
  return typeof id === "string" ? id.slice(0, 200) : undefined;
}

/** Standard base 64 (padded or not) as passlib's adapted base 64: "." for "+", no padding. */
function ab64(base64: string): string {
  return base64.replace(/=+$/, "").replaceAll("+", ".");
}

function unpadded(base64: string): string {
  return base64.replace(/=+$/, "");
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function base64Field(record: Json, name: string, label: string): string {
  const value = text(record, name, label);
  if (value === undefined || !BASE64.test(value)) throw new RecordRefused(`${label} must be standard base 64`);
  return value;
}

/** A JSON string holding a JSON object, as Keycloak keeps credentialData and secretData. */
function embedded(value: unknown, name: string): Json {
  if (typeof value !== "string") throw new RecordRefused(`${name} must be a JSON string`);
  try {
    return object(JSON.parse(value), name);
  } catch (err) {
    if (err instanceof RecordRefused) throw err;
    throw new RecordRefused(`${name} is not valid JSON`); // V8's message would quote the hash
  }
}

const KEYCLOAK_PBKDF2: Record<string, string> = { pbkdf2: "pbkdf2", "pbkdf2-sha256": "pbkdf2-sha256", "pbkdf2-sha512": "pbkdf2-sha512" };

/** Keycloak keeps argon2's parameters as lists of strings (a MultivaluedHashMap): the first of each. */
function argon2Parameter(parameters: Json, name: string): string | undefined {
  const value = parameters[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? undefined : String(first);
}

/** A Keycloak password credential as a hash of passlib's or argon2's encoding. */
export function keycloakHash(credential: Json): string {
  const data = embedded(credential.credentialData, "credentialData");
  const secret = embedded(credential.secretData, "secretData");
  const algorithm = text(data, "algorithm", "credentialData.algorithm") ?? "";
  const iterations = data.hashIterations;
  if (!Number.isInteger(iterations) || (iterations as number) < 1) throw new RecordRefused("credentialData.hashIterations must be a whole number from 1");
  const value = base64Field(secret, "value", "secretData.value");
  const salt = base64Field(secret, "salt", "secretData.salt");
  if (KEYCLOAK_PBKDF2[algorithm]) return `$${KEYCLOAK_PBKDF2[algorithm]}$${iterations}$${ab64(salt)}$${ab64(value)}`;
  if (algorithm !== "argon2")
    throw new RecordRefused(`Keycloak's hash algorithm "${algorithm.slice(0, 40)}" has no verifier here (pbkdf2, pbkdf2-sha256, pbkdf2-sha512, argon2)`);
  const parameters = data.additionalParameters === undefined ? {} : object(data.additionalParameters, "credentialData.additionalParameters");
  const type = argon2Parameter(parameters, "type") ?? "id";
  if (type !== "id" && type !== "i") throw new RecordRefused(`Keycloak's argon2 type "${type.slice(0, 10)}" has no verifier here (id, i)`);
  const version = argon2Parameter(parameters, "version") ?? "1.3";
  if (version !== "1.3") throw new RecordRefused(`Keycloak's argon2 version must be 1.3, not ${version.slice(0, 10)}`);
  const memory = argon2Parameter(parameters, "memory") ?? "7168";
  const parallelism = argon2Parameter(parameters, "parallelism") ?? "1";
  return `$argon2${type}$v=19$m=${memory},t=${iterations},p=${parallelism}$${unpadded(salt)}$${unpadded(value)}`;
}

/** A Keycloak user of a realm export; service accounts become machine users. */
function fromKeycloak(record: Json, realm: string | undefined): Row {
  const machine = record.serviceAccountClientId !== undefined && record.serviceAccountClientId !== null;
  const credentials = record.credentials === undefined || record.credentials === null ? [] : record.credentials;
  if (!Array.isArray(credentials)) throw new RecordRefused("credentials must be an array");
  const passwords = credentials.map((c, i) => object(c, `credentials[${i}]`)).filter((c) => c.type === "password");
  if (passwords.length > 1) throw new RecordRefused("the user has several password credentials");
  if (record.enabled !== undefined && typeof record.enabled !== "boolean") throw new RecordRefused("enabled must be true or false");
  return {
    id: text(record, "id"),
    username: text(record, "username"),
    email: text(record, "email"),
    // Keycloak keeps attributes as lists of strings; its account console sets `locale`.
    language: keycloakLocale(nested(record, "attributes")),
    orgName: realm,
    state: record.enabled === false ? "locked" : "active",
    kind: machine ? "machine" : "human",
    passwordHash: passwords[0] && !machine ? keycloakHash(passwords[0]) : undefined,
  };
}

function keycloakLocale(attributes: Json): string | undefined {
  const locale = attributes.locale;
  return language(Array.isArray(locale) ? locale[0] : locale, "attributes.locale");
}

function auth0Language(metadata: Json): string | undefined {
  return language(metadata.language, "user_metadata.language") ?? language(metadata.locale, "user_metadata.locale");
}

/** PHC's `$pbkdf2-sha256$i=…,l=…$salt$hash` (Auth0's pbkdf2) as passlib's `$pbkdf2-sha256$rounds$salt$hash`. */
function phcPbkdf2(hash: string): string {
  const match = /^\$(pbkdf2-sha(?:1|224|256|384|512))\$i=(\d{1,10})(?:,l=\d{1,4})?\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
  if (!match) throw new RecordRefused("a pbkdf2 custom_password_hash is $pbkdf2-shaNNN$i=…,l=…$salt$hash in base 64");
  return `$${match[1]}$${match[2]}$${ab64(match[3])}$${ab64(match[4])}`;
}

/** Auth0's custom_password_hash, in the bulk-import schema, as a hash the service verifies. */
function auth0CustomHash(value: unknown): string {
  const custom = object(value, "custom_password_hash");
  const algorithm = text(custom, "algorithm", "custom_password_hash.algorithm") ?? "";
  const hash = text(object(custom.hash, "custom_password_hash.hash"), "value", "custom_password_hash.hash.value");
  if (hash === undefined) throw new RecordRefused("custom_password_hash.hash.value is required");
  if (algorithm === "bcrypt" || algorithm === "argon2") return hash;
  if (algorithm === "pbkdf2") return phcPbkdf2(hash);
  throw new RecordRefused(`custom_password_hash algorithm "${algorithm.slice(0, 40)}" has no verifier here (bcrypt, argon2, pbkdf2)`);
}

/** A user of Auth0's bulk export, or of its bulk-import schema. */
function fromAuth0(record: Json): Row {
  const userId = text(record, "user_id");
  if (record.blocked !== undefined && typeof record.blocked !== "boolean") throw new RecordRefused("blocked must be true or false");
  if (record.custom_password_hash !== undefined && record.password_hash !== undefined) {
    throw new RecordRefused("custom_password_hash and password_hash contradict each other: give one");
  }
  const bcrypt = text(record, "password_hash");
  if (bcrypt !== undefined && !bcrypt.startsWith("$2")) throw new RecordRefused("password_hash must be a bcrypt hash");
  return {
    // Auth0's tokens name a database user "auth0|…"; the import schema gives the ID without it.
    id: userId === undefined || userId.includes("|") ? userId : `auth0|${userId}`,
    username: text(record, "username") ?? text(record, "email"),
    email: text(record, "email"),
    // Auth0 has no language field of its own: user_metadata's, as its templates are usually given one.
    language: auth0Language(nested(record, "user_metadata")),
    state: record.blocked === true ? "locked" : "active",
    passwordHash: record.custom_password_hash !== undefined ? auth0CustomHash(record.custom_password_hash) : bcrypt,
  };
}

/**
 * ZITADEL's v2 AddHumanUser, or v1 ImportHumanUser (userName,
 * hashedPassword.value), as protojson; or a humanUsers entry of its data
 * export, `{"userId", "user": ImportHumanUser}`.
 */
function fromZitadel(record: Json): Row {
  const user = record.user === undefined || record.user === null ? record : object(record.user, "user");
  const email = user.email === undefined || user.email === null ? undefined : text(object(user.email, "email"), "email", "email.email");
  const org = record.organization ?? user.organization;
  const organization = org === undefined || org === null ? {} : object(org, "organization");
  if (organization.orgDomain !== undefined) throw new RecordRefused("organization.orgDomain is not supported: give organization.orgId");
  const hashed = user.hashedPassword === undefined || user.hashedPassword === null ? undefined : object(user.hashedPassword, "hashedPassword");
  const password = user.password === undefined || user.password === null ? undefined : object(user.password, "password");
  return {
    id: text(record, "userId") ?? text(user, "userId"),
    username: text(user, "username") ?? text(user, "userName"),
    email,
    language: language(nested(user, "profile").preferredLanguage, "profile.preferredLanguage"),
    orgId: text(organization, "orgId", "organization.orgId"),
    passwordHash: hashed && (text(hashed, "hash", "hashedPassword.hash") ?? text(hashed, "value", "hashedPassword.value")),
    password: password && text(password, "password", "password.password"),
  };
}

/** A record of a foreign format as a JSON Lines row; `realm` is the Keycloak realm's name, when read. */
export function toRow(format: Exclude<Format, "jsonl">, value: unknown, realm?: string): Row {
  const record = object(value, "the record");
  const row = format === "keycloak" ? fromKeycloak(record, realm) : format === "auth0" ? fromAuth0(record) : fromZitadel(record);
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

const KEYCLOAK_POLICY: Record<string, (n: string) => string> = {
  length: (n) => `--min-length ${n}`,
  digits: () => "--has-number true",
  upperCase: () => "--has-uppercase true",
  lowerCase: () => "--has-lowercase true",
  specialChars: () => "--has-symbol true",
  passwordHistory: (n) => `--history-count ${n}`,
};

/**
 * A Keycloak realm's passwordPolicy ("length(12) and digits(1) and …") as
 * `policy set` options, and the rules that have none. Only shown: the
 * operator decides.
 */
export function keycloakPolicy(policy: string): { options: string[]; unmapped: string[] } {
  const options: string[] = [];
  const unmapped: string[] = [];
  for (const rule of policy.split(/\s+and\s+/)) {
    const match = /^(\w+)\((\d*)[^)]*\)$/.exec(rule.trim());
    const map = match && KEYCLOAK_POLICY[match[1]];
    if (map && /^\d+$/.test(match[2])) options.push(map(match[2]));
    else if (rule.trim() !== "") unmapped.push(rule.trim().slice(0, 60));
  }
  return { options, unmapped };
}
