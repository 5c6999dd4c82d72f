import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { type DescMessage, fromBinary, fromJson, type JsonValue, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createAuthServiceClient } from "@zitadel/client/v1";
import { createSettingsServiceClient } from "@zitadel/client/v2";
import {
  GetMyPasswordPolicyRequestSchema,
  GetMyPasswordPolicyResponseSchema,
  PasswordService,
  ValidateMyNewPasswordRequestSchema,
  ValidateMyNewPasswordResponseSchema,
} from "../gen/passwordservice/v1/password_service_pb.js";
import { AuthService, GetMyPasswordComplexityPolicyRequestSchema, GetMyPasswordComplexityPolicyResponseSchema } from "../gen/zitadel/auth_pb.js";
import { ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import {
  GetLockoutSettingsRequestSchema,
  GetLockoutSettingsResponseSchema,
  GetPasswordComplexitySettingsRequestSchema,
  GetPasswordComplexitySettingsResponseSchema,
  SettingsService,
} from "../gen/zitadel/settings/v2/settings_service_pb.js";
import { bearer, grpcFrame, grpcJsUnary } from "./support/clients.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { auditEvents, setPolicy } from "./support/policy.js";
import { RangeApiStandIn } from "./support/range-api.js";
import { ROOT, Service, type TestUser } from "./support/service.js";
import { BUF, bufCurlGrpc } from "./support/tools.js";
import { ADMIN_ROLE, LOGIN_CLIENT_ROLE } from "../src/core/roles.js";

const BREACHED = "Breached-Passw0rd-1!";

/** What each client of ZITADEL's reads is made of: a transport per protocol that @zitadel/client runs on. */
const ZITADEL_TRANSPORTS: Record<string, (baseUrl: string) => Transport> = {
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "grpc-web": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
};

/** `curl` on a REST route: the status and the JSON body, checked against the OpenAPI document. */
function curl(service: Service, path: string, token?: string): Promise<{ status: number; json: any }> {
  const args = ["-s", "-w", "\n%{http_code}", ...(token ? ["-H", `Authorization: Bearer ${token}`] : []), `${service.url}${path}`];
  return new Promise((resolve, reject) =>
    execFile("curl", args, (err, stdout) => {
      if (err) return reject(err);
      const at = stdout.lastIndexOf("\n");
      const status = Number(stdout.slice(at + 1));
      const json = JSON.parse(stdout.slice(0, at));
      const route = path.split("?")[0];
      assertRestResponseMatchesOpenApi(status, "application/json", json, { path: route, method: "get" });
      resolve({ status, json });
    }),
  );
}

interface Read {
  path: string;
  input: DescMessage;
  output: DescMessage;
  request: Record<string, unknown>;
  /** The grpc-gateway route, for the ZITADEL reads. */
  rest?: string;
  pick(json: any): unknown;
  expected: unknown;
}

/** Each new read, with what an organisation of minimum 11 and 4 attempts must see in its answer. */
const READS: Read[] = [
  {
    path: "/zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy",
    input: GetMyPasswordComplexityPolicyRequestSchema,
    output: GetMyPasswordComplexityPolicyResponseSchema,
    request: {},
    rest: "/auth/v1/policies/passwords/complexity",
    pick: (json) => [json.policy.minLength, json.policy.isDefault ?? false, json.policy.details.sequence],
    expected: ["11", false, "1"],
  },
  {
    path: "/zitadel.settings.v2.SettingsService/GetPasswordComplexitySettings",
    input: GetPasswordComplexitySettingsRequestSchema,
    output: GetPasswordComplexitySettingsResponseSchema,
    request: {},
    rest: "/v2/settings/password/complexity",
    pick: (json) => [json.settings.minLength, json.settings.resourceOwnerType],
    expected: ["11", "RESOURCE_OWNER_TYPE_ORG"],
  },
  {
    path: "/zitadel.settings.v2.SettingsService/GetLockoutSettings",
    input: GetLockoutSettingsRequestSchema,
    output: GetLockoutSettingsResponseSchema,
    request: { ctx: { instance: true } },
    rest: "/v2/settings/lockout?ctx.instance=true",
    pick: (json) => [json.settings.maxPasswordAttempts, json.settings.resourceOwnerType],
    expected: [undefined, "RESOURCE_OWNER_TYPE_INSTANCE"],
  },
  {
    path: "/passwordservice.v1.PasswordService/GetMyPasswordPolicy",
    input: GetMyPasswordPolicyRequestSchema,
    output: GetMyPasswordPolicyResponseSchema,
    request: {},
    pick: (json) => [json.policy.minLength, json.policy.maxPasswordAttempts, json.policy.source, json.policy.lengthUnit],
    expected: [11, 4, "POLICY_SOURCE_ORG", "LENGTH_UNIT_UTF8_BYTES"],
  },
  {
    path: "/passwordservice.v1.PasswordService/ValidateMyNewPassword",
    input: ValidateMyNewPasswordRequestSchema,
    output: ValidateMyNewPasswordResponseSchema,
    request: { newPassword: "abcdefghij" },
    pick: (json) => json.violations.map((v: { id: string }) => v.id),
    expected: ["DOMAIN-HuJf6", "DOMAIN-VoaRj", "DOMAIN-ZBv4H", "DOMAIN-ZDLwA"],
  },
];

const SERVICES = [AuthService, SettingsService, PasswordService];

/** connect-node's generated client for the read's method, its answer as proto3 JSON. */
async function viaConnectNode(transport: Transport, read: Read, token: string): Promise<unknown> {
  const [serviceName, methodName] = read.path.slice(1).split("/");
  const service = SERVICES.find((s) => s.typeName === serviceName)!;
  const method = service.methods.find((m) => m.name === methodName)!;
  const client = createClient(service, transport) as unknown as Record<string, (req: unknown, o: object) => Promise<any>>;
  const answer = await client[method.localName](fromJson(read.input, read.request as JsonValue), { headers: { authorization: bearer(token) } });
  return toJson(read.output, answer);
}

/** gRPC-Web's text mode by hand, as Google's grpc-web runtime sends it by default. */
async function viaGrpcWebText(service: Service, read: Read, token: string): Promise<unknown> {
  const frame = grpcFrame(toBinary(read.input, fromJson(read.input, read.request as JsonValue)));
  const res = await fetch(`${service.url}${read.path}`, {
    method: "POST",
    headers: { "content-type": "application/grpc-web-text", accept: "application/grpc-web-text", authorization: bearer(token) },
    body: frame.toString("base64"),
  });
  const body = Buffer.from(await res.text(), "base64");
  assert.equal(body[0], 0, "a data frame first");
  const length = body.readUInt32BE(1);
  assert.match(body.subarray(5 + length + 5).toString(), /grpc-status: ?0/);
  return toJson(read.output, fromBinary(read.output, body.subarray(5, 5 + length)));
}

/** `buf curl` with the repository's schema: buf's own binary, as every other `buf curl` of the suite runs it, not its Node launcher. */
function viaBufCurl(service: Service, protocol: "grpc" | "grpcweb" | "connect", read: Read, token: string): Promise<unknown> {
  const args = [
    "curl",
    "--schema",
    ROOT,
    "--protocol",
    protocol,
    ...(protocol === "grpc" ? ["--http2-prior-knowledge"] : []),
    "--header",
    `Authorization: ${bearer(token)}`,
    "--data",
    JSON.stringify(read.request),
    `${service.url}${read.path}`,
  ];
  return new Promise((resolve, reject) =>
    execFile(BUF, args, { cwd: ROOT }, (err, stdout, stderr) =>
      err ? reject(new Error(`buf curl ${protocol} ${read.path}: ${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string; id?: string }> {
  try {
    await call;
  } catch (err) {
    const e = ConnectError.from(err);
    return { code: e.code, message: e.rawMessage, id: e.findDetails(ErrorDetailSchema)[0]?.id };
  }
  throw new Error("the call succeeded");
}

/** A token of the user that holds ZITADEL's policy.read, as the settings v2 reads need: the administrator's role for its organisation. */
async function settingsReader(service: Service, user: TestUser): Promise<string> {
  return service.tokenWithRoles(user.userId, { [ADMIN_ROLE]: [user.resourceOwner] });
}

describe("the policy read APIs", () => {
  let service: Service;
  let rangeApi: RangeApiStandIn;
  let user: TestUser;

  before(async () => {
    rangeApi = await RangeApiStandIn.start([BREACHED]);
    service = await Service.start({ BREACHED_API_URL: rangeApi.url, VALIDATE_BURST: "50" });
    user = await service.createUser("Initial-Passw0rd!");
  });
  after(async () => {
    await service?.stop();
    await rangeApi?.stop();
  });

  it("answers GetMyPasswordComplexityPolicy with the instance default to @zitadel/client on every transport, grpc-js, buf curl and curl", async () => {
    const expected = { minLength: 8n, hasUppercase: true, hasLowercase: true, hasNumber: true, hasSymbol: true, isDefault: true };
    for (const [name, transport] of Object.entries(ZITADEL_TRANSPORTS)) {
      const client = createAuthServiceClient(transport(service.url));
      const { policy } = await client.getMyPasswordComplexityPolicy({}, { headers: { authorization: bearer(user.token) } });
      assert.deepEqual({ ...policy, $typeName: undefined, details: undefined }, { ...expected, $typeName: undefined, details: undefined }, name);
      assert.equal(policy!.details!.sequence, 0n, `${name}: ZITADEL's built-in default was never set`);
    }
    const viaGrpcJs = await grpcJsUnary(
      service.address,
      "/zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy",
      GetMyPasswordComplexityPolicyRequestSchema,
      GetMyPasswordComplexityPolicyResponseSchema,
      {},
      user.token,
    );
    assert.equal((viaGrpcJs as { policy: { minLength: bigint } }).policy.minLength, 8n);

    const viaBuf = await bufCurlGrpc([
      "--schema",
      ROOT,
      "--header",
      `Authorization: ${bearer(user.token)}`,
      "--data",
      "{}",
      `${service.url}/zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy`,
    ]);
    assert.equal(viaBuf.code, 0, viaBuf.stderr);
    const { details } = JSON.parse(viaBuf.stdout).policy;
    assert.match(details.resourceOwner, /^\d+$/, "the instance's ID owns its default, as in ZITADEL");
    assert.deepEqual(JSON.parse(viaBuf.stdout).policy, {
      details: { resourceOwner: details.resourceOwner },
      minLength: "8",
      hasUppercase: true,
      hasLowercase: true,
      hasNumber: true,
      hasSymbol: true,
      isDefault: true,
    });

    const viaCurl = await curl(service, "/auth/v1/policies/passwords/complexity", user.token);
    assert.equal(viaCurl.status, 200);
    assert.deepEqual(viaCurl.json, JSON.parse(viaBuf.stdout), "REST answers grpc-gateway's JSON, uint64 as a string");
    const line = await service.logEntry((l) => l.msg === "request" && l.userId === user.userId && l.protocol === "rest");
    assert.equal(line?.rpc, "zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy");
  });

  it("answers each read the same over every protocol: Connect, gRPC, gRPC-Web binary and text, grpc-js, buf curl and REST", async () => {
    const own = await service.createUser("Initial-Passw0rd!");
    const reader = await settingsReader(service, own);
    await setPolicy(service, ["--org", own.resourceOwner, "--min-length", "11", "--max-password-attempts", "4"]);
    for (const read of READS) {
      const answers: Record<string, unknown> = {};
      for (const [name, transport] of Object.entries(ZITADEL_TRANSPORTS)) {
        answers[`connect-node ${name}`] = await viaConnectNode(transport(service.url), read, reader);
      }
      answers["gRPC-Web text"] = await viaGrpcWebText(service, read, reader);
      const js = await grpcJsUnary(service.address, read.path, read.input, read.output, fromJson(read.input, read.request as JsonValue), reader);
      answers["grpc-js"] = toJson(read.output, js as never);
      for (const protocol of ["grpc", "grpcweb", "connect"] as const) {
        answers[`buf curl ${protocol}`] = await viaBufCurl(service, protocol, read, reader);
      }
      if (read.rest) answers.curl = (await curl(service, read.rest, reader)).json;
      const expected = answers["connect-node connect"];
      assert.deepEqual(read.pick(expected as any), read.expected, `${read.path} answered ${JSON.stringify(expected)}`);
      for (const [name, answer] of Object.entries(answers)) assert.deepEqual(answer, expected, `${read.path} over ${name}`);
    }
  });

  it("answers an organisation's own policy as such, in v1 and v2, over every transport", async () => {
    const own = await service.createUser("Initial-Passw0rd!");
    const reader = await settingsReader(service, own);
    await setPolicy(service, ["--org", own.resourceOwner, "--min-length", "12", "--has-symbol", "false", "--max-password-attempts", "5"]);
    await setPolicy(service, ["--org", own.resourceOwner, "--min-length", "13"]);
    const headers = { authorization: bearer(reader) };
    for (const [name, transport] of Object.entries(ZITADEL_TRANSPORTS)) {
      const { policy } = await createAuthServiceClient(transport(service.url)).getMyPasswordComplexityPolicy({}, { headers });
      assert.equal(policy!.minLength, 13n, name);
      assert.equal(policy!.hasSymbol, false, name);
      assert.equal(policy!.isDefault, false, name);
      assert.equal(policy!.details!.resourceOwner, own.resourceOwner, name);
      assert.equal(policy!.details!.sequence, 2n, `${name}: set twice`);

      const settings = createSettingsServiceClient(transport(service.url));
      const complexity = await settings.getPasswordComplexitySettings({}, { headers });
      assert.equal(complexity.settings!.minLength, 13n, name);
      assert.equal(complexity.settings!.requiresSymbol, false, name);
      assert.equal(complexity.settings!.resourceOwnerType, 2, `${name}: RESOURCE_OWNER_TYPE_ORG`);
      assert.equal(complexity.details!.resourceOwner, own.resourceOwner, name);
      const lockout = await settings.getLockoutSettings({ ctx: { resourceOwner: { case: "orgId", value: own.resourceOwner } } }, { headers });
      assert.equal(lockout.settings!.maxPasswordAttempts, 5n, name);
      assert.equal(lockout.settings!.resourceOwnerType, 2, name);
    }
    // The instance's own settings stay ZITADEL's defaults.
    const instance = await curl(service, "/v2/settings/password/complexity?ctx.instance=true", reader);
    assert.equal(instance.json.settings.minLength, "8");
    assert.equal(instance.json.settings.resourceOwnerType, "RESOURCE_OWNER_TYPE_INSTANCE");
    const viaCurl = await curl(service, "/v2/settings/lockout", reader);
    assert.deepEqual(viaCurl.json.settings, { maxPasswordAttempts: "5", resourceOwnerType: "RESOURCE_OWNER_TYPE_ORG" });
    const viaGrpcJs = await grpcJsUnary(
      service.address,
      "/zitadel.settings.v2.SettingsService/GetLockoutSettings",
      GetLockoutSettingsRequestSchema,
      GetLockoutSettingsResponseSchema,
      {},
      reader,
    );
    assert.equal((viaGrpcJs as { settings: { maxPasswordAttempts: bigint } }).settings.maxPasswordAttempts, 5n);
  });

  it("answers truthfully under the nist profile: no classes, the minimum as enforced", async () => {
    const nist = await service.createUser("Initial-Passw0rd!");
    await setPolicy(service, ["--org", nist.resourceOwner, "--profile", "nist"]);
    const { json } = await curl(service, "/auth/v1/policies/passwords/complexity", nist.token);
    assert.deepEqual({ ...json.policy, details: undefined }, { details: undefined, minLength: "15" }, "has* false are left out, as proto3 JSON does");
    const own = createClient(PasswordService, ZITADEL_TRANSPORTS.connect(service.url));
    const { policy, username } = await own.getMyPasswordPolicy({}, { headers: { authorization: bearer(nist.token) } });
    assert.equal(username.startsWith("user-"), true);
    assert.equal(policy!.profile, 2, "PROFILE_NIST");
    assert.equal(policy!.lengthUnit, 2, "LENGTH_UNIT_CODE_POINTS");
    assert.equal(policy!.maxLength, 64);
    assert.equal(policy!.blocklist, true);
    assert.equal(policy!.source, 2, "POLICY_SOURCE_ORG");
    assert.deepEqual(policy!.contextWords[0], username);
  });

  it("refuses another organisation's settings with 7, unless the token holds the admin role for it", async () => {
    const other = await service.createUser("Initial-Passw0rd!");
    await setPolicy(service, ["--org", other.resourceOwner, "--max-password-attempts", "7"]);
    const path = `/v2/settings/lockout?ctx.orgId=${other.resourceOwner}`;
    const refused = await curl(service, path, user.token);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json, {
      code: 7,
      message: "No matching permissions found (AUTH-5mWD2)",
      details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id: "AUTH-5mWD2", message: "No matching permissions found" }],
    });
    // An organisation that does not exist answers the same to a caller who may not read it: its existence is not told.
    assert.equal((await curl(service, "/v2/settings/lockout?ctx.orgId=4242", user.token)).status, 403);
    const settings = createSettingsServiceClient(ZITADEL_TRANSPORTS["grpc-web"](service.url));
    const denied = await refusal(
      settings.getPasswordComplexitySettings(
        { ctx: { resourceOwner: { case: "orgId", value: other.resourceOwner } } },
        { headers: { authorization: bearer(user.token) } },
      ),
    );
    assert.deepEqual(denied, { code: Code.PermissionDenied, message: "No matching permissions found (AUTH-5mWD2)", id: "AUTH-5mWD2" });

    const admin = await service.tokenWithRoles(user.userId, { [ADMIN_ROLE]: [other.resourceOwner] });
    const allowed = await curl(service, path, admin);
    assert.deepEqual(allowed.json.settings, { maxPasswordAttempts: "7", resourceOwnerType: "RESOURCE_OWNER_TYPE_ORG" });
    assert.equal((await curl(service, "/v2/settings/lockout?ctx.orgId=4242", admin)).status, 403, "the role is for one organisation");
    const missing = await service.tokenWithRoles(user.userId, { [ADMIN_ROLE]: ["4242"] });
    const notFound = await curl(service, "/v2/settings/lockout?ctx.orgId=4242", missing);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.json.details[0].id, "PWSVC-ORG01");
  });

  it("needs policy.read for the v2 settings: the login client, administrators; not a plain user, who still reads v1 and our own", async () => {
    const plain = await service.createUser("Initial-Passw0rd!");
    for (const path of [
      "/v2/settings/lockout",
      "/v2/settings/password/complexity?ctx.instance=true",
      `/v2/settings/lockout?ctx.orgId=${plain.resourceOwner}`,
    ]) {
      const refused = await curl(service, path, plain.token);
      assert.deepEqual([refused.status, refused.json.code, refused.json.details?.[0]?.id], [403, 7, "AUTH-5mWD2"], path);
    }
    assert.equal((await curl(service, "/auth/v1/policies/passwords/complexity", plain.token)).status, 200, "v1 stays open to the user");
    const own = createClient(PasswordService, ZITADEL_TRANSPORTS.connect(service.url));
    assert.equal((await own.getMyPasswordPolicy({}, { headers: { authorization: bearer(plain.token) } })).policy!.minLength, 8);

    const other = await service.createUser("Initial-Passw0rd!");
    const login = await service.tokenWithRoles(plain.userId, { [LOGIN_CLIENT_ROLE]: [plain.resourceOwner] });
    for (const path of [
      "/v2/settings/lockout",
      "/v2/settings/password/complexity?ctx.instance=true",
      `/v2/settings/lockout?ctx.orgId=${other.resourceOwner}`,
    ]) {
      assert.equal((await curl(service, path, login)).status, 200, `the login client reads ${path}`);
    }
    const orgAdmin = await settingsReader(service, plain);
    assert.equal(
      (await curl(service, "/v2/settings/password/complexity?ctx.instance=true", orgAdmin)).status,
      200,
      "an administrator reads the instance's defaults",
    );
    assert.equal((await curl(service, `/v2/settings/lockout?ctx.orgId=${other.resourceOwner}`, orgAdmin)).status, 403, "but not another organisation's");
  });

  it("refuses bad query parameters, missing and revoked tokens, and methods other than GET", async () => {
    const bad = await curl(service, "/v2/settings/lockout?ctx.instance=maybe", user.token);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 3);
    const none = await curl(service, "/auth/v1/policies/passwords/complexity");
    assert.equal(none.status, 401);
    const put = await fetch(`${service.url}/v2/settings/lockout`, { method: "PUT", headers: { authorization: bearer(user.token) } });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET");

    const changer = await service.createUser("Initial-Passw0rd!");
    const oldToken = changer.token;
    const fresh = await service.token(changer.userId);
    await new Promise((r) => setTimeout(r, 5)); // the change comes after the fresh token's millisecond
    const client = createClient(PasswordService, ZITADEL_TRANSPORTS.connect(service.url));
    await client.changeMyPassword({ oldPassword: "Initial-Passw0rd!", newPassword: "Second-Passw0rd!" }, { headers: { authorization: bearer(fresh) } });
    const revoked = await curl(service, "/auth/v1/policies/passwords/complexity", oldToken);
    assert.equal(revoked.status, 401, "a token a change revoked reads nothing either");
  });

  it("sees a policy change within seconds, with no restart", async () => {
    const watcher = await service.createUser("Initial-Passw0rd!");
    const read = async () => (await curl(service, "/auth/v1/policies/passwords/complexity", watcher.token)).json.policy.minLength;
    assert.equal(await read(), "8");
    await setPolicy(service, ["--org", watcher.resourceOwner, "--min-length", "20"]);
    const deadline = Date.now() + 5000; // POLICY_CACHE_MS is 2 s by default
    let seen = await read();
    while (seen !== "20" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await read();
    }
    assert.equal(seen, "20");
  });
});

describe("ValidateMyNewPassword", () => {
  let service: Service;
  let rangeApi: RangeApiStandIn;

  before(async () => {
    rangeApi = await RangeApiStandIn.start([BREACHED]);
    service = await Service.start({ BREACHED_API_URL: rangeApi.url, VALIDATE_BURST: "4", VALIDATE_RATE_PER_MINUTE: "2" });
  });
  after(async () => {
    await service?.stop();
    await rangeApi?.stop();
  });

  const validate = (transport: Transport, token: string, newPassword: string) =>
    createClient(PasswordService, transport).validateMyNewPassword({ newPassword }, { headers: { authorization: bearer(token) } });

  it("answers every rule that fails, not just the first, and changes nothing, on every transport", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    const before = await service.userRow(user.userId);
    const eventsBefore = await auditEvents(service, user.userId);
    for (const [name, transport] of Object.entries(ZITADEL_TRANSPORTS)) {
      const res = await validate(transport(service.url), user.token, "abc");
      assert.equal(res.valid, false, name);
      assert.deepEqual(
        res.violations.map((v) => [v.id, v.message]),
        [
          ["DOMAIN-HuJf6", "Password is too short"],
          ["DOMAIN-VoaRj", "Password must contain upper case"],
          ["DOMAIN-ZBv4H", "Password must contain number"],
          ["DOMAIN-ZDLwA", "Password must contain symbol"],
        ],
        name,
      );
    }
    const after = await service.userRow(user.userId);
    assert.deepEqual(after, before, "the user's row is untouched: no check slot, no count, no hash");
    assert.deepEqual(await auditEvents(service, user.userId), eventsBefore, "no audit event");
  });

  it("checks the blocklist and the breached API, and answers valid for a good password", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    await setPolicy(service, ["--org", user.resourceOwner, "--profile", "nist", "--breached-check", "fail-closed"]);
    const transport = ZITADEL_TRANSPORTS.connect(service.url);
    const username = (await createClient(PasswordService, transport).getMyPasswordPolicy({}, { headers: { authorization: bearer(user.token) } })).username;
    const bad = await validate(transport, user.token, `${username}-password`);
    assert.deepEqual(
      bad.violations.map((v) => v.id),
      ["PWSVC-BLK02"],
    );
    const fine = await validate(transport, user.token, `${BREACHED}-and-more`);
    assert.equal(fine.valid, true);
    assert.deepEqual(fine.violations, []);
    const seen = rangeApi.paths.length;
    const found = await validate(transport, user.token, BREACHED);
    assert.equal(rangeApi.paths.length, seen + 1, "the range API was asked");
    assert.deepEqual(
      found.violations.map((v) => v.id),
      ["PWSVC-BRE01"],
    );
    rangeApi.mode = "fail";
    try {
      const unavailable = await validate(transport, user.token, "Long-enough-and-fine-99");
      assert.deepEqual(
        unavailable.violations.map((v) => v.id),
        ["PWSVC-BRE02"],
        "failing closed, the change would be refused",
      );
    } finally {
      rangeApi.mode = "answer";
    }
  });

  it("is rate-limited per user, without touching others", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    const other = await service.createUser("Initial-Passw0rd!");
    const transport = ZITADEL_TRANSPORTS.grpc(service.url);
    for (let i = 0; i < 4; i++) await validate(transport, user.token, `Candidate-${i}-Passw0rd!`);
    const limited = await refusal(validate(transport, user.token, "One-more-Passw0rd!"));
    assert.deepEqual(limited, {
      code: Code.ResourceExhausted,
      message: "Too many password checks for this user; try again later (PWSVC-RATE1)",
      id: "PWSVC-RATE1",
    });
    assert.equal((await validate(transport, other.token, "Other-user-Passw0rd!")).valid, true);
  });
});
