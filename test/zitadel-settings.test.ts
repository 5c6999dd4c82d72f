// ZITADEL's settings converter tests (internal/api/grpc/settings/v2/
// settings_converter_test.go) for the two settings we serve, ported to the
// wire: @zitadel/client's v2 SettingsService over Connect, gRPC-Web and
// gRPC, and REST, each answer as proto3 JSON. The converters of settings we
// do not serve are listed in docs/zitadel-contract.md.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DescMessage, toJson } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createSettingsServiceClient } from "@zitadel/client/v2";
import { GetLockoutSettingsResponseSchema, GetPasswordComplexitySettingsResponseSchema } from "../gen/zitadel/settings/v2/settings_service_pb.js";
import { LOGIN_CLIENT_ROLE } from "../src/core/roles.js";
import { bearer } from "./support/clients.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { Service } from "./support/service.js";
import { setPolicy } from "./support/policy.js";

const TRANSPORTS: Record<string, (baseUrl: string) => Transport> = {
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "grpc-web": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
};

type Read = "getPasswordComplexitySettings" | "getLockoutSettings";
const READS: Record<Read, { output: DescMessage; route: string }> = {
  getPasswordComplexitySettings: { output: GetPasswordComplexitySettingsResponseSchema, route: "/v2/settings/password/complexity" },
  getLockoutSettings: { output: GetLockoutSettingsResponseSchema, route: "/v2/settings/lockout" },
};

/** The settings a read answers over every protocol, as proto3 JSON; they must all agree. */
async function settingsEverywhere(service: Service, read: Read, scope: { orgId: string } | { instance: true }, token: string): Promise<unknown> {
  const answers: Record<string, unknown> = {};
  const ctx = { resourceOwner: "orgId" in scope ? { case: "orgId" as const, value: scope.orgId } : { case: "instance" as const, value: true } };
  for (const [name, transport] of Object.entries(TRANSPORTS)) {
    const client = createSettingsServiceClient(transport(service.url)) as unknown as Record<Read, (req: unknown, opts: unknown) => Promise<any>>;
    const answer = await client[read]({ ctx }, { headers: { authorization: bearer(token) } });
    answers[name] = (toJson(READS[read].output, answer) as { settings: unknown }).settings;
  }
  const query = "orgId" in scope ? `ctx.orgId=${scope.orgId}` : "ctx.instance=true";
  const res = await fetch(`${service.url}${READS[read].route}?${query}`, { headers: { authorization: bearer(token) } });
  const json = await res.json();
  assertRestResponseMatchesOpenApi(res.status, "application/json", json, { path: READS[read].route, method: "get" });
  answers.rest = json.settings;
  for (const [name, answer] of Object.entries(answers)) assert.deepEqual(answer, answers.connect, `${read} over ${name}`);
  return answers.connect;
}

describe("internal/api/grpc/settings/v2/settings_converter_test.go, on the wire", () => {
  let service: Service;
  let loginClient: string;

  before(async () => {
    service = await Service.start();
    // ZITADEL's test inputs, as the instance's defaults.
    await setPolicy(service, [
      "--min-length",
      "12",
      "--has-uppercase",
      "true",
      "--has-lowercase",
      "true",
      "--has-number",
      "true",
      "--has-symbol",
      "true",
      "--max-password-attempts",
      "22",
    ]);
    const login = await service.createUser();
    loginClient = await service.tokenWithRoles(login.userId, { [LOGIN_CLIENT_ROLE]: [login.resourceOwner] });
  });
  after(() => service?.stop());

  it("Test_passwordSettingsToPb", async () => {
    assert.deepEqual(await settingsEverywhere(service, "getPasswordComplexitySettings", { instance: true }, loginClient), {
      minLength: "12",
      requiresUppercase: true,
      requiresLowercase: true,
      requiresNumber: true,
      requiresSymbol: true,
      resourceOwnerType: "RESOURCE_OWNER_TYPE_INSTANCE",
    });
  });

  it("Test_lockoutSettingsToPb (max_otp_attempts stays 0: no OTP here)", async () => {
    assert.deepEqual(await settingsEverywhere(service, "getLockoutSettings", { instance: true }, loginClient), {
      maxPasswordAttempts: "22",
      resourceOwnerType: "RESOURCE_OWNER_TYPE_INSTANCE",
    });
  });

  it("Test_isDefaultToResourceOwnerTypePb: RESOURCE_OWNER_TYPE_INSTANCE for an organisation that inherits, RESOURCE_OWNER_TYPE_ORG for one with its own", async () => {
    const inheriting = await service.createUser();
    const owning = await service.createUser();
    await setPolicy(service, ["--org", owning.resourceOwner, "--max-password-attempts", "3"]);
    for (const read of Object.keys(READS) as Read[]) {
      const inherited = (await settingsEverywhere(service, read, { orgId: inheriting.resourceOwner }, loginClient)) as { resourceOwnerType: string };
      assert.equal(inherited.resourceOwnerType, "RESOURCE_OWNER_TYPE_INSTANCE", read);
      const own = (await settingsEverywhere(service, read, { orgId: owning.resourceOwner }, loginClient)) as { resourceOwnerType: string };
      assert.equal(own.resourceOwnerType, "RESOURCE_OWNER_TYPE_ORG", read);
    }
  });

  it("answers inherited settings with the instance's details: its sequence, change date and ID", async () => {
    const inheriting = await service.createUser();
    const details = async (query: string) => {
      const res = await fetch(`${service.url}/v2/settings/lockout?${query}`, { headers: { authorization: bearer(loginClient) } });
      return (await res.json()).details;
    };
    const instance = await details("ctx.instance=true");
    assert.match(instance.resourceOwner, /^\d+$/, "the instance has an ID");
    assert.equal(instance.sequence, "1", "set once, before this test");
    assert.ok(instance.changeDate, "with the date it was set");
    assert.deepEqual(await details(`ctx.orgId=${inheriting.resourceOwner}`), instance);
    assert.notEqual(instance.resourceOwner, inheriting.resourceOwner);
  });
});
