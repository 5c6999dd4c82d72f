import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { policyCommands, setPolicy as storePolicy } from "../../src/cli/policy.js";
import type { AuditRecord } from "../../src/store/audit.js";
import { type Caller, type Outcome, PROTOCOLS } from "./clients.js";
import { assertNoSecretsLeaked } from "./secrets.js";
import { cli, cliOk, type Service } from "./service.js";

/** Every protocol but two of the three `buf curl` callers, which are slow; one stays. */
export const MOST_PROTOCOLS: Record<string, Caller> = Object.fromEntries(
  Object.entries(PROTOCOLS).filter(([name]) => !name.startsWith("buf curl") || name === "buf curl grpc"),
);

/**
 * `policy set ARGS`'s work, in the test's own process on the service's
 * store; fails the test if the flags are refused (policy-cli.test.ts runs the command).
 */
export async function setPolicy(service: Service, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: policyCommands["policy set"].options, strict: true });
  await storePolicy(await service.store(), values as Record<string, string | boolean | undefined>);
}

export async function showPolicy(service: Service, org?: string): Promise<Record<string, unknown>> {
  return JSON.parse(await cliOk(["policy", "show", "--json", ...(org ? ["--org", org] : [])], service.env));
}

/** As `events --json` prints them: the store's own records. */
export type AuditEvent = AuditRecord;

/** A user's audit events, as `events --user ID --json` prints them (the CLI's own tests run that). */
export async function auditEvents(service: Service, userId: string): Promise<AuditEvent[]> {
  return (await service.store()).audit.list({ userId });
}

/** Asserts that none of these secrets, nor any stored hash, appears in the server's log lines or its events. */
export function assertNoSecrets(service: Service, secrets: string[]): Promise<void> {
  return assertNoSecretsLeaked(service.database, service.logs, secrets);
}

export { cli };

/** Asserts one of the service's refusals with an ErrorDetail: code, `<message> (<id>)`, and the detail. */
export function assertRefusal(outcome: Outcome, code: number, id: string, message: string, where: string): void {
  assert.equal(outcome.ok, false, `${where}: expected ${id}, got ${JSON.stringify(outcome)}`);
  const got = outcome as Extract<Outcome, { ok: false }>;
  assert.equal(got.code, code, where);
  assert.equal(got.message, `${message} (${id})`, where);
  assert.deepEqual(got.detail, { type: "zitadel.v1.ErrorDetail", id, message }, where);
  if (got.httpStatus !== undefined) assert.equal(got.httpStatus, HTTP_STATUS[code], where);
}

const HTTP_STATUS: Record<number, number> = { 3: 400, 9: 400, 14: 503 };
