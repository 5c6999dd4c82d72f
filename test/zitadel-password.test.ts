// ZITADEL's own tests of the password calls we serve, ported to the wire:
// each `it` names the ZITADEL file and case it ports, and runs it through
// @zitadel/client's v2 UserService over Connect, gRPC-Web and gRPC, and
// through REST. docs/zitadel-contract.md lists every case, with those that
// do not apply and where we differ on purpose.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DescMessage, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createUserServiceClient } from "@zitadel/client/v2";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import {
  PasswordResetRequestSchema,
  PasswordResetResponseSchema,
  SetPasswordRequestSchema,
  SetPasswordResponseSchema,
} from "../gen/zitadel/user/v2/user_service_pb.js";
import { ADMIN_ROLE, INSTANCE_ADMIN_ROLE, LOGIN_CLIENT_ROLE } from "../src/core/roles.js";
import { bearer } from "./support/clients.js";
import { MailCatcher } from "./support/mail-catcher.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { auditEvents } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";

const TRANSPORTS: Record<string, (baseUrl: string) => Transport> = {
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "grpc-web": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
};
/** Every way in: the three transports of @zitadel/client, and REST. */
const PROTOCOLS = [...Object.keys(TRANSPORTS), "rest"] as const;

type Rpc = "passwordReset" | "setPassword";

const SCHEMAS: Record<Rpc, { input: DescMessage; output: DescMessage; route: string }> = {
  passwordReset: { input: PasswordResetRequestSchema, output: PasswordResetResponseSchema, route: "password_reset" },
  setPassword: { input: SetPasswordRequestSchema, output: SetPasswordResponseSchema, route: "password" },
};

/** An answer in one shape for every protocol: the response's proto3 JSON, or the refusal. */
interface Wire {
  code: number;
  id?: string;
  /** REST's HTTP status; absent on the RPC protocols. */
  status?: number;
  json?: any;
  failedAttempts?: number;
}

/** One call over one protocol, the request given as proto3 JSON with its `userId`. */
async function call(service: Service, protocol: string, rpc: Rpc, request: Record<string, unknown>, token: string): Promise<Wire> {
  if (protocol === "rest") return restCall(service, rpc, request, token);
  const { input, output } = SCHEMAS[rpc];
  const client = createUserServiceClient(TRANSPORTS[protocol](service.url)) as unknown as Record<Rpc, (req: unknown, opts: unknown) => Promise<any>>;
  try {
    const answer = await client[rpc](fromJson(input, request as JsonValue), { headers: { authorization: bearer(token) } });
    return { code: 0, json: toJson(output, answer) };
  } catch (err) {
    const e = ConnectError.from(err);
    const credentials = e.findDetails(CredentialsCheckErrorSchema)[0];
    return { code: e.code, id: credentials?.id ?? e.findDetails(ErrorDetailSchema)[0]?.id, failedAttempts: credentials?.failedAttempts };
  }
}

/** The call as grpc-gateway serves it: the user ID in the path, the rest as the body; checked against /openapi.json. */
async function restCall(service: Service, rpc: Rpc, request: Record<string, unknown>, token: string): Promise<Wire> {
  const { userId, ...body } = request;
  const route = `/v2/users/{user_id}/${SCHEMAS[rpc].route}`;
  const res = await fetch(`${service.url}${route.replace("{user_id}", encodeURIComponent(String(userId)))}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: bearer(token) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assertRestResponseMatchesOpenApi(res.status, "application/json", json, { path: route, method: "post" });
  if (res.ok) return { code: 0, status: res.status, json };
  return { code: json.code, id: json.details?.[0]?.id, status: res.status, failedAttempts: json.details?.[0]?.failedAttempts };
}

/** grpc-gateway's HTTP status for each code the cases answer. */
const HTTP_STATUS: Record<number, number> = { 0: 200, 3: 400, 5: 404, 7: 403, 9: 400, 12: 501 };

/** Asserts the code, the error ID and, on REST, the status. */
function assertRefused(wire: Wire, code: number, id: string | undefined, where: string): void {
  const expected: Wire = { code, id };
  if (wire.status !== undefined) expected.status = HTTP_STATUS[code];
  assert.deepEqual({ code: wire.code, id: wire.id, status: wire.status }, { ...expected, status: expected.status }, where);
}

/** ZITADEL's AssertDetails: the resource owner, and a change date of this call. */
function assertDetails(wire: Wire, resourceOwner: string, startedAt: number, where: string): void {
  assert.equal(wire.code, 0, `${where}: ${JSON.stringify(wire)}`);
  const { details } = wire.json;
  assert.equal(details.resourceOwner, resourceOwner, where);
  const changed = Date.parse(details.changeDate);
  // Seconds on the wire: the call's start, cut to its second, is the earliest it may say.
  assert.ok(changed >= Math.floor(startedAt / 1000) * 1000 && changed <= Date.now(), `${where}: changeDate ${details.changeDate}`);
  assert.ok(BigInt(details.sequence ?? 0) > 0n, `${where}: a sequence`);
}

/** The same refusal over every protocol: nothing is changed, so one fixture serves all four. */
async function refusedEverywhere(service: Service, rpc: Rpc, request: Record<string, unknown>, token: string, code: number, id?: string) {
  for (const protocol of PROTOCOLS) assertRefused(await call(service, protocol, rpc, request, token), code, id, protocol);
}

/** ZITADEL's "userid missing": 3 from the request's validation, without an ID. REST has the user ID in its path: an empty one is another route. */
async function refusedWithoutUserId(service: Service, rpc: Rpc, request: Record<string, unknown>, token: string) {
  for (const protocol of Object.keys(TRANSPORTS)) assertRefused(await call(service, protocol, rpc, { ...request, userId: "" }, token), 3, undefined, protocol);
}

const NEW_PASSWORD = "Secr3tP4ssw0rd!";
const LINK = "https://example.com/password/change?userID={{.UserID}}&code={{.Code}}&orgID={{.OrgID}}";

describe("ZITADEL's password tests, on the wire", () => {
  let mail: MailCatcher;
  let service: Service;
  /** ZITADEL's tests call as the instance's owner (IAM_OWNER). */
  let iamOwner: string;
  let loginClient: string;

  before(async () => {
    mail = await MailCatcher.start();
    service = await Service.start({
      SMTP_URL: mail.url,
      MAIL_POLL_INTERVAL_MS: "200",
      // Each case runs four times on one user; ZITADEL has no such limit.
      RESET_BURST: "50",
    });
    const admin = await service.createUser();
    iamOwner = await service.tokenWithRoles(admin.userId, { [INSTANCE_ADMIN_ROLE]: [admin.resourceOwner] });
    service.secrets.push(NEW_PASSWORD);
    const login = await service.createUser();
    loginClient = await service.tokenWithRoles(login.userId, { [LOGIN_CLIENT_ROLE]: [login.resourceOwner] });
  });
  after(async () => {
    await service?.stop();
    await mail?.stop();
  });

  /** A user with a mailbox, in an organisation of its own. */
  async function person(password = "InitialPassw0rd!"): Promise<TestUser & { email: string }> {
    const email = `u${Math.random().toString(36).slice(2, 10)}@example.com`;
    return { ...(await service.createUser(password, { email })), email };
  }

  /** A code for the user, as ZITADEL's tests get one: PasswordReset with return_code. */
  async function codeFor(userId: string): Promise<string> {
    const reset = await call(service, "connect", "passwordReset", { userId, returnCode: {} }, iamOwner);
    assert.equal(reset.code, 0, JSON.stringify(reset));
    service.secrets.push(reset.json.verificationCode);
    return reset.json.verificationCode;
  }

  /** A call that ZITADEL's test expects to pass: its details checked as AssertDetails does. */
  async function succeeds(protocol: string, rpc: Rpc, request: Record<string, unknown>, token: string, user: TestUser): Promise<Wire> {
    const startedAt = Date.now();
    const answer = await call(service, protocol, rpc, request, token);
    assertDetails(answer, user.resourceOwner, startedAt, protocol);
    return answer;
  }

  /** ZITADEL's "set with code successful": a code from a reset, then SetPassword with it, on every protocol. */
  async function setsWithCode(token: string): Promise<void> {
    await eachProtocol(async (protocol, user) => {
      const code = await codeFor(user.userId);
      await succeeds(protocol, "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD }, verificationCode: code }, token, user);
    });
  }

  /** Runs `run` once per protocol, each on a fresh user. */
  async function eachProtocol(run: (protocol: string, user: TestUser & { email: string }) => Promise<void>): Promise<void> {
    for (const protocol of PROTOCOLS) await run(protocol, await person());
  }

  describe("internal/api/grpc/user/v2/integration_test/password_test.go TestServer_RequestPasswordReset", () => {
    it("default medium", async () => {
      await eachProtocol(async (protocol, user) => {
        const answer = await succeeds(protocol, "passwordReset", { userId: user.userId }, iamOwner, user);
        assert.equal(answer.json.verificationCode, undefined, `${protocol}: a mailed code is not returned`);
        assert.equal((await mail.waitFor(user.email))[0].subject, "Reset your password", protocol);
      });
    });

    it("custom url template", async () => {
      await eachProtocol(async (protocol, user) => {
        await succeeds(
          protocol,
          "passwordReset",
          { userId: user.userId, sendLink: { notificationType: "NOTIFICATION_TYPE_Email", urlTemplate: LINK } },
          iamOwner,
          user,
        );
        const [sent] = await mail.waitFor(user.email);
        const code = /code=([A-Z0-9]+)&/.exec(sent.text)?.[1];
        assert.ok(code, `${protocol}: a link with the code`);
        service.secrets.push(code);
        assert.ok(sent.text.includes(`https://example.com/password/change?userID=${user.userId}&code=${code}&orgID=${user.resourceOwner}`), protocol);
      });
    });

    it("template error", async () => {
      const user = await person();
      await refusedEverywhere(service, "passwordReset", { userId: user.userId, sendLink: { urlTemplate: "{{" } }, iamOwner, 3, "DOMAIN-oGh5e");
    });

    it("return code", async () => {
      await eachProtocol(async (protocol, user) => {
        const answer = await succeeds(protocol, "passwordReset", { userId: user.userId, returnCode: {} }, iamOwner, user);
        assert.match(answer.json.verificationCode, /^[A-Z0-9]{6}$/, protocol);
        service.secrets.push(answer.json.verificationCode);
      });
    });
  });

  // password_deprecated_test.go's TestServer_Deprecated_SetPassword has the same four cases as TestServer_SetPassword.
  for (const file of ["password_test.go TestServer_SetPassword", "password_deprecated_test.go TestServer_Deprecated_SetPassword"]) {
    describe(`internal/api/grpc/user/v2/integration_test/${file}`, () => {
      it("missing user id", async () => {
        await refusedWithoutUserId(service, "setPassword", {}, iamOwner);
      });

      it("set successful", async () => {
        await eachProtocol(async (protocol, user) => {
          await succeeds(protocol, "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD } }, iamOwner, user);
        });
      });

      it("change successful", async () => {
        await eachProtocol(async (protocol, user) => {
          const initial = await call(service, protocol, "setPassword", { userId: user.userId, newPassword: { password: "InitialPassw0rd!2" } }, iamOwner);
          assert.equal(initial.code, 0, protocol);
          await succeeds(
            protocol,
            "setPassword",
            { userId: user.userId, newPassword: { password: NEW_PASSWORD }, currentPassword: "InitialPassw0rd!2" },
            iamOwner,
            user,
          );
        });
        service.secrets.push("InitialPassw0rd!2", NEW_PASSWORD);
      });

      it("set with code successful", () => setsWithCode(iamOwner));
    });
  }

  // One ZITADEL command backs PasswordReset's three media; its four test functions share these cases.
  describe("internal/command/user_v2_password_test.go TestCommands_RequestPasswordReset, …ReturnCode, …URLTemplate, requestPasswordReset", () => {
    const media: Record<string, Record<string, unknown>> = { "": {}, ReturnCode: { returnCode: {} }, URLTemplate: { sendLink: { urlTemplate: LINK } } };

    it("missing userID", async () => {
      for (const medium of Object.values(media)) await refusedWithoutUserId(service, "passwordReset", medium, iamOwner);
    });

    it("user not existing", async () => {
      for (const medium of Object.values(media))
        await refusedEverywhere(service, "passwordReset", { userId: "no-such-user", ...medium }, iamOwner, 5, "COMMAND-SAF4f");
      // Deliberate: to a caller who may not touch every user, an unknown one is refused as any user it may not touch.
      const orgAdmin = await service.tokenWithRoles((await person()).userId, { [ADMIN_ROLE]: ["some-org"] });
      await refusedEverywhere(service, "passwordReset", { userId: "no-such-user", returnCode: {} }, orgAdmin, 7, "AUTHZ-HKJD33");
    });

    it("user not initialized", async () => {
      const user = await service.createUser("InitialPassw0rd!", { initial: true, email: "initial@example.com" });
      for (const medium of Object.values(media))
        await refusedEverywhere(service, "passwordReset", { userId: user.userId, ...medium }, iamOwner, 9, "COMMAND-Sfe4g");
    });

    it("missing permission", async () => {
      const user = await person();
      const stranger = await person();
      for (const medium of Object.values(media))
        await refusedEverywhere(service, "passwordReset", { userId: user.userId, ...medium }, stranger.token, 7, "AUTHZ-HKJD33");
    });

    it("invalid template", async () => {
      const user = await person();
      await refusedEverywhere(service, "passwordReset", { userId: user.userId, sendLink: { urlTemplate: "{{" } }, iamOwner, 3, "DOMAIN-oGh5e");
    });

    it("code generated, code generated template, code generated returned", async () => {
      for (const medium of Object.values(media)) {
        await eachProtocol(async (protocol, user) => {
          const answer = await succeeds(protocol, "passwordReset", { userId: user.userId, ...medium }, iamOwner, user);
          if ("returnCode" in medium) service.secrets.push(answer.json.verificationCode);
          assert.equal(answer.json.verificationCode !== undefined, "returnCode" in medium, `${protocol}: the code only when asked for`);
        });
      }
    });

    it("code generated template sms: a deliberate difference, no SMS is sent here", async () => {
      const user = await person();
      await refusedEverywhere(
        service,
        "passwordReset",
        { userId: user.userId, sendLink: { notificationType: "NOTIFICATION_TYPE_SMS", urlTemplate: LINK } },
        iamOwner,
        12,
        "PWSVC-SMS01",
      );
    });
  });

  describe("internal/command/user_human_password_test.go TestCommandSide_SetOneTimePassword (SetPassword without a proof)", () => {
    it("userid missing, invalid argument error", async () => {
      await refusedWithoutUserId(service, "setPassword", { newPassword: { password: NEW_PASSWORD } }, iamOwner);
    });

    it("user not existing, precondition error", async () => {
      await refusedEverywhere(service, "setPassword", { userId: "no-such-user", newPassword: { password: NEW_PASSWORD } }, iamOwner, 9, "COMMAND-G8dh3");
    });

    it("missing permission, error", async () => {
      const user = await person();
      const stranger = await person();
      // The login client proves; it never sets unproven.
      for (const token of [stranger.token, user.token, loginClient]) {
        await refusedEverywhere(service, "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD } }, token, 7, "AUTHZ-HKJD33");
      }
    });

    for (const [name, changeRequired] of [
      ["change password onetime, ok", true],
      ["change password no one time, ok", false],
    ] as const) {
      it(name, async () => {
        await eachProtocol(async (protocol, user) => {
          const orgAdmin = await service.tokenWithRoles((await person()).userId, { [ADMIN_ROLE]: [user.resourceOwner] });
          await succeeds(protocol, "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD, changeRequired } }, orgAdmin, user);
          const row = await service.userRow(user.userId);
          assert.equal(Boolean(row.password_change_required), changeRequired, `${protocol}: change_required kept`);
          const changed = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.changed");
          assert.deepEqual(
            changed.map((e) => e.payload.by),
            ["admin"],
            `${protocol}: audited as an administrator's set`,
          );
          const old = await call(
            service,
            protocol,
            "setPassword",
            { userId: user.userId, newPassword: { password: "Another-Passw0rd!" }, currentPassword: NEW_PASSWORD },
            user.token,
          );
          assert.equal(old.code, 16, `${protocol}: the user's tokens are revoked, as after a reset`);
        });
      });
    }
  });

  describe("internal/command/user_human_password_test.go TestCommandSide_SetPasswordWithVerifyCode", () => {
    it("userid missing, invalid argument error", async () => {
      await refusedWithoutUserId(service, "setPassword", { newPassword: { password: NEW_PASSWORD }, verificationCode: "ABCDEF" }, iamOwner);
    });

    it("password missing, invalid argument error", async () => {
      const user = await person();
      await refusedEverywhere(service, "setPassword", { userId: user.userId, verificationCode: "ABCDEF" }, iamOwner, 3, "COMMAND-Mf0sd");
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: "" }, verificationCode: "ABCDEF" },
        iamOwner,
        3,
        "COMMAND-Mf0sd",
      );
    });

    it("user not existing, precondition error", async () => {
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: "no-such-user", newPassword: { password: NEW_PASSWORD }, verificationCode: "ABCDEF" },
        iamOwner,
        9,
        "COMMAND-2M9fs",
      );
    });

    it("code not existing, precondition error", async () => {
      const user = await person();
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: NEW_PASSWORD }, verificationCode: "ABCDEF" },
        iamOwner,
        9,
        "COMMAND-2M9fs",
      );
    });

    it("invalid code, invalid argument error", async () => {
      const user = await person();
      await codeFor(user.userId);
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: NEW_PASSWORD }, verificationCode: "WRONG1" },
        iamOwner,
        3,
        "CODE-woT0xc",
      );
    });

    // The login client sets with the code, as ZITADEL's login does.
    it("set password, ok", () => setsWithCode(loginClient));
  });

  describe("internal/command/user_human_password_test.go TestCommandSide_ChangePassword (SetPassword with current_password)", () => {
    it("userid missing, invalid argument error", async () => {
      await refusedWithoutUserId(service, "setPassword", { newPassword: { password: NEW_PASSWORD }, currentPassword: "InitialPassw0rd!" }, iamOwner);
    });

    it("old password missing, invalid argument error", async () => {
      const user = await person();
      await refusedEverywhere(service, "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD }, currentPassword: "" }, user.token, 3);
    });

    it("new password missing, invalid argument error", async () => {
      const user = await person();
      await refusedEverywhere(service, "setPassword", { userId: user.userId, currentPassword: user.password }, user.token, 3, "COMMAND-Mf0sd");
    });

    it("user not existing, precondition error", async () => {
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: "no-such-user", newPassword: { password: NEW_PASSWORD }, currentPassword: "InitialPassw0rd!" },
        loginClient,
        9,
        "COMMAND-Fds3s",
      );
    });

    it("existing password empty, precondition error", async () => {
      const user = await service.createUser("");
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: NEW_PASSWORD }, currentPassword: "InitialPassw0rd!" },
        user.token,
        9,
        "COMMAND-Fds3s",
      );
    });

    it("password not matching, invalid argument error", async () => {
      const user = await person();
      let count = 0;
      for (const protocol of PROTOCOLS) {
        const answer = await call(
          service,
          protocol,
          "setPassword",
          { userId: user.userId, newPassword: { password: NEW_PASSWORD }, currentPassword: "Wrong-Passw0rd!" },
          user.token,
        );
        assertRefused(answer, 3, "COMMAND-3M0fs", protocol);
        assert.equal(answer.failedAttempts, ++count, `${protocol}: the CredentialsCheckError counts`);
      }
    });

    it("change password, ok: by the user, the login client and the organisation's administrator", async () => {
      await eachProtocol(async (protocol, user) => {
        const orgAdmin = await service.tokenWithRoles((await person()).userId, { [ADMIN_ROLE]: [user.resourceOwner] });
        const steps: [string, string, string][] = [
          [user.token, user.password, "Changed-Passw0rd-1!"],
          [loginClient, "Changed-Passw0rd-1!", "Changed-Passw0rd-2!"],
          [orgAdmin, "Changed-Passw0rd-2!", NEW_PASSWORD],
        ];
        for (const [token, current, next] of steps) {
          await succeeds(protocol, "setPassword", { userId: user.userId, newPassword: { password: next }, currentPassword: current }, token, user);
        }
      });
      service.secrets.push("Changed-Passw0rd-1!", "Changed-Passw0rd-2!");
    });

    it("a deliberate difference: a caller without a role may not prove another user's password", async () => {
      const user = await person();
      const stranger = await person();
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: NEW_PASSWORD }, currentPassword: user.password },
        stranger.token,
        7,
        "AUTHZ-HKJD33",
      );
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: "no-such-user", newPassword: { password: NEW_PASSWORD }, currentPassword: user.password },
        stranger.token,
        7,
        "AUTHZ-HKJD33",
      );
      assert.equal((await service.userRow(user.userId)).failed_attempts, 0, "nothing was checked");
    });
  });

  // UpdateHumanUser is not served; its password cases are SetPassword's, so they run through it.
  describe("internal/command/user_v2_human_test.go TestCommandSide_ChangeUserHuman, its password cases through SetPassword", () => {
    it("change human password, not initialized", async () => {
      const user = await service.createUser("InitialPassw0rd!", { initial: true });
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: NEW_PASSWORD, changeRequired: true }, currentPassword: user.password },
        user.token,
        9,
        "COMMAND-M9dse",
      );
    });

    it("change human password, not in complexity", async () => {
      const user = await person();
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: "no-upper-case-1!", changeRequired: true }, currentPassword: user.password },
        user.token,
        3,
        "DOMAIN-VoaRj",
      );
    });

    it("change human password, password code, not matching policy", async () => {
      const user = await person();
      const code = await codeFor(user.userId);
      await refusedEverywhere(
        service,
        "setPassword",
        { userId: user.userId, newPassword: { password: "no-upper-case-1!", changeRequired: true }, verificationCode: code },
        loginClient,
        3,
        "DOMAIN-VoaRj",
      );
      assert.equal(
        (await call(service, "connect", "setPassword", { userId: user.userId, newPassword: { password: NEW_PASSWORD }, verificationCode: code }, loginClient))
          .code,
        0,
        "the code stays usable",
      );
    });
  });

  describe("the user's own reset, and a locked user's (issue 26; ZITADEL skips the permission check for the user)", () => {
    it("mails the user's own reset, and refuses to return its code to the user's own token (a deliberate difference)", async () => {
      await eachProtocol(async (protocol, user) => {
        await succeeds(protocol, "passwordReset", { userId: user.userId }, user.token, user);
        await mail.waitFor(user.email);
        assertRefused(await call(service, protocol, "passwordReset", { userId: user.userId, returnCode: {} }, user.token), 7, "AUTHZ-HKJD33", protocol);
      });
    });

    it("gives a locked user a reset code, and the lock stays until an administrator lifts it", async () => {
      await eachProtocol(async (protocol, user) => {
        await service.setUserState(user.userId, "locked");
        const reset = await call(service, protocol, "passwordReset", { userId: user.userId, returnCode: {} }, loginClient);
        assert.equal(reset.code, 0, protocol);
        service.secrets.push(reset.json.verificationCode);
        const set = await call(
          service,
          protocol,
          "setPassword",
          { userId: user.userId, newPassword: { password: NEW_PASSWORD }, verificationCode: reset.json.verificationCode },
          loginClient,
        );
        assertRefused(set, 9, "COMMAND-JLK35", protocol);
      });
    });
  });
});
