import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createSessionServiceClient, createUserServiceClient } from "@zitadel/client/v2";
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from "../gen/zitadel/message_pb.js";
import { bearer, rest } from "./support/clients.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { auditEvents, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";
import { ADMIN_ROLE } from "../src/core/roles.js";

/** The transports @zitadel/client runs on, one per protocol. */
const TRANSPORTS: Record<string, (baseUrl: string) => Transport> = {
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
  "grpc-web": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
};

type SessionClient = ReturnType<typeof createSessionServiceClient>;

interface Refusal {
  code: number;
  id?: string;
  message: string;
  failedAttempts?: number;
}

/** What a refused call said: its code, ZITADEL's error ID, and the failed attempts of a credential error. */
async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ConnectError, String(err));
    const credentials = err.findDetails(CredentialsCheckErrorSchema)[0];
    const detail = err.findDetails(ErrorDetailSchema)[0];
    return { code: err.code, id: credentials?.id ?? detail?.id, message: err.rawMessage, failedAttempts: credentials?.failedAttempts };
  }
  assert.fail("expected a refusal");
}

/** A REST call on the session routes with fetch, every answer checked against the OpenAPI document. */
async function restCall(service: Service, method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: bearer(token) } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  const route = path.split("?")[0].replace(/^\/v2\/sessions\/(?!search$)[^/]+$/, "/v2/sessions/{session_id}");
  assertRestResponseMatchesOpenApi(res.status, res.headers.get("content-type"), json, { path: route, method: method.toLowerCase() as "post" });
  return { status: res.status, json };
}

describe("sign-in: ZITADEL v2 sessions with user and password checks", () => {
  let service: Service;
  let login: { userId: string; token: string };
  const headers = () => ({ authorization: bearer(login.token) });
  const client = (name = "connect"): SessionClient => createSessionServiceClient(TRANSPORTS[name](service.url));
  const signIn = (c: SessionClient, user: TestUser, password = user.password) =>
    c.createSession({ checks: { user: { search: { case: "userId", value: user.userId } }, password: { password } } }, { headers: headers() });
  const keep = <T extends { sessionToken: string }>(answer: T): T => {
    service.secrets.push(answer.sessionToken);
    return answer;
  };

  before(async () => {
    service = await Service.start();
    login = await service.loginClientToken();
  });
  after(async () => {
    await service?.stop();
  });

  it("signs in through @zitadel/client over Connect, gRPC-Web and gRPC, and the session token changes the password as a bearer", async () => {
    for (const name of Object.keys(TRANSPORTS)) {
      const user = await service.createUser("Sign-In-Passw0rd!", { username: `signin-${name}-${Date.now()}` });
      const c = client(name);
      const created = keep(
        await c.createSession(
          { checks: { user: { search: { case: "loginName", value: (await username(user)).toUpperCase() } }, password: { password: user.password } } },
          { headers: headers() },
        ),
      );
      assert.match(created.sessionToken, /^[\w-]{43}$/, name);
      const { session } = await c.getSession({ sessionId: created.sessionId }, { headers: headers() });
      assert.equal(session?.factors?.user?.id, user.userId, name);
      assert.equal(session?.factors?.user?.organizationId, user.resourceOwner, name);
      assert.ok(session?.factors?.password?.verifiedAt, `${name}: the password factor`);
      const events = (await service.events(user.userId)).map((e) => e.type);
      assert.deepEqual(events.slice(-1), ["user.human.password.check.succeeded"], name);

      const changed = await rest(service.address, {
        oldPassword: user.password,
        newPassword: "Changed-By-Session-1!",
        authorization: bearer(created.sessionToken),
      });
      assert.equal(changed.ok, true, `${name}: ${JSON.stringify(changed)}`);
    }
  });

  it("follows ZITADEL's username and password login guide with curl's requests: create with the user, set the password, read the factors, change the password", async () => {
    const user = await service.createUser("Guide-Passw0rd-1!");
    const created = await restCall(service, "POST", "/v2/sessions", login.token, {
      checks: { user: { loginName: `${await username(user)}@${user.resourceOwner}` } },
    });
    assert.equal(created.status, 201);
    service.secrets.push(created.json.sessionToken);
    const { sessionId } = created.json;
    const set = await restCall(service, "PATCH", `/v2/sessions/${sessionId}`, login.token, { checks: { password: { password: user.password } } });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    service.secrets.push(set.json.sessionToken);
    assert.notEqual(set.json.sessionToken, created.json.sessionToken);
    const read = await restCall(service, "GET", `/v2/sessions/${sessionId}?session_token=${set.json.sessionToken}`, login.token);
    assert.equal(read.status, 200);
    assert.equal(read.json.session.factors.user.id, user.userId);
    assert.ok(read.json.session.factors.password.verifiedAt);
    // The token SetSession replaced works no more.
    const stale = await restCall(service, "GET", `/v2/sessions/${sessionId}?session_token=${created.json.sessionToken}`, login.token);
    assert.equal(stale.status, 403);
    assert.equal(stale.json.details[0].id, "COMMAND-sGr42");
    const changed = await rest(service.address, {
      oldPassword: user.password,
      newPassword: "Guide-Changed-Passw0rd-2!",
      authorization: bearer(set.json.sessionToken),
    });
    assert.equal(changed.ok, true, JSON.stringify(changed));
  });

  it("refuses as ZITADEL does: a password with no user, another user, a caller without the login client's role, checks and challenges not served", async () => {
    const c = client();
    const user = await service.createUser();
    const other = await service.createUser();
    let r = await refusal(c.createSession({ checks: { password: { password: user.password } } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [9, "COMMAND-Sfw3f"]);

    const created = keep(await c.createSession({ checks: { user: { search: { case: "userId", value: user.userId } } } }, { headers: headers() }));
    r = await refusal(
      c.setSession({ sessionId: created.sessionId, checks: { user: { search: { case: "userId", value: other.userId } } } }, { headers: headers() }),
    );
    assert.deepEqual([r.code, r.message], [3, "user change not possible"]);

    r = await refusal(
      c.createSession({ checks: { user: { search: { case: "userId", value: user.userId } } } }, { headers: { authorization: bearer(user.token) } }),
    );
    assert.deepEqual([r.code, r.id], [7, "AUTH-5mWD2"]);

    for (const check of ["totp", "otpSms", "otpEmail", "idpIntent", "webAuthN"] as const) {
      r = await refusal(c.createSession({ checks: { user: { search: { case: "userId", value: user.userId } }, [check]: {} } }, { headers: headers() }));
      assert.deepEqual([r.code, r.id], [12, "PWSVC-SES01"], check);
    }
    r = await refusal(c.createSession({ challenges: { otpEmail: {} } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [12, "PWSVC-SES01"]);
    r = await refusal(c.createSession({ lifetime: { seconds: -1n, nanos: 0 } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [3, "COMMAND-asEG4"]);
    // Nothing was stored by a refusal.
    const { sessions } = await c.listSessions({ queries: [{ query: { case: "userIdQuery", value: { id: user.userId } } }] }, { headers: headers() });
    assert.deepEqual(
      sessions.map((s) => s.id),
      [created.sessionId],
    );
  });

  it("names a user by its login name without regard to case: the username when one user has it, username@organisation always; an ambiguous name is answered as an unknown one", async () => {
    const c = client();
    const name = `shared-${Date.now()}`;
    const first = await service.createUser("Shared-Passw0rd-1!", { username: name });
    const unique = await service.createUser("Unique-Passw0rd-1!", { username: `only-${Date.now()}` });
    const byName = keep(
      await c.createSession({ checks: { user: { search: { case: "loginName", value: (await username(unique)).toUpperCase() } } } }, { headers: headers() }),
    );
    assert.equal((await c.getSession({ sessionId: byName.sessionId }, { headers: headers() })).session?.factors?.user?.id, unique.userId);

    await service.createUser("Shared-Passw0rd-2!", { username: name.toUpperCase() });
    const ambiguous = await refusal(c.createSession({ checks: { user: { search: { case: "loginName", value: name } } } }, { headers: headers() }));
    const unknown = await refusal(
      c.createSession({ checks: { user: { search: { case: "loginName", value: `nobody-${Date.now()}` } } } }, { headers: headers() }),
    );
    assert.deepEqual(ambiguous, unknown);
    assert.deepEqual([unknown.code, unknown.id], [5, "QUERY-Dfbg2"]);
    const qualified = keep(
      await c.createSession({ checks: { user: { search: { case: "loginName", value: `${name}@${first.resourceOwner}` } } } }, { headers: headers() }),
    );
    assert.equal((await c.getSession({ sessionId: qualified.sessionId }, { headers: headers() })).session?.factors?.user?.id, first.userId);
  });

  it("counts a failed sign-in toward the same lockout as a failed change, and a successful one clears the count", async () => {
    const c = client();
    const user = await service.createUser("Lockout-Passw0rd-1!");
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "3"]);
    let r = await refusal(signIn(c, user, "Wrong-Passw0rd-1!"));
    assert.deepEqual([r.code, r.id, r.failedAttempts], [3, "COMMAND-3M0fs", 1]);
    const change = await rest(service.address, { oldPassword: "Wrong-Passw0rd-2!", newPassword: "Never-Passw0rd-1!", authorization: bearer(user.token) });
    assert.equal(change.ok ? 0 : change.detail?.failedAttempts, 2);
    keep(await signIn(c, user));
    assert.equal((await service.userRow(user.userId)).failed_attempts, 0, "a success clears the count");

    for (const expected of [1, 2, 3]) {
      r = await refusal(signIn(c, user, "Wrong-Passw0rd-3!"));
      assert.deepEqual([r.code, r.id, r.failedAttempts], [3, "COMMAND-3M0fs", expected]);
    }
    assert.equal((await service.userRow(user.userId)).state, "locked");
    const created = keep(await c.createSession({}, { headers: headers() }));
    r = await refusal(signIn(c, user));
    assert.deepEqual([r.code, r.id], [9, "SESSION-Gj4ko"], "a locked user is not active to a user check");
    const changeLocked = await rest(service.address, { oldPassword: user.password, newPassword: "Never-Passw0rd-2!", authorization: bearer(user.token) });
    assert.equal(changeLocked.ok ? "" : changeLocked.detail?.id, "COMMAND-JLK35");
    assert.ok(created.sessionId);
    const types = (await service.events(user.userId)).map((e) => e.type);
    assert.equal(types.filter((t) => t === "user.human.password.check.failed").length, 4, "each failed sign-in is an event of the user");
    const audit = (await auditEvents(service, user.userId)).map((e) => e.type);
    assert.ok(audit.includes("password.check.succeeded") && audit.includes("user.locked"), audit.join());
  });

  it("lets GetSession and DeleteSession to the creator, the checked user, the token's holder and the organisation's administrator only", async () => {
    const c = client();
    const user = await service.createUser();
    const stranger = await service.createUser();
    const created = keep(await signIn(c, user));
    const asStranger = { headers: { authorization: bearer(stranger.token) } };
    const r = await refusal(c.getSession({ sessionId: created.sessionId }, asStranger));
    assert.deepEqual([r.code, r.id], [7, "AUTH-5mWD2"]);
    await c.getSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }, asStranger);
    await c.getSession({ sessionId: created.sessionId }, { headers: { authorization: bearer(user.token) } });
    await c.getSession({ sessionId: created.sessionId }, { headers: { authorization: bearer(created.sessionToken) } });
    const admin = await service.createUser("", { orgId: user.resourceOwner, username: `admin-${Date.now()}` });
    const adminToken = await service.tokenWithRoles(admin.userId, { [ADMIN_ROLE]: [user.resourceOwner] });
    await c.getSession({ sessionId: created.sessionId }, { headers: { authorization: bearer(adminToken) } });

    const deleted = await c.deleteSession({ sessionId: created.sessionId }, { headers: { authorization: bearer(user.token) } });
    assert.ok(deleted.details);
    const gone = await refusal(c.getSession({ sessionId: created.sessionId }, { headers: headers() }));
    assert.deepEqual([gone.code, gone.id], [5, "COMMAND-Flk38"]);
    const asBearer = await rest(service.address, { oldPassword: user.password, newPassword: "Never-Passw0rd-3!", authorization: bearer(created.sessionToken) });
    assert.equal(asBearer.ok ? 0 : asBearer.code, 16, "a deleted session's token authenticates no more");
  });

  it("ends the user's other sessions on a change, all of them on a reset and a lock", async () => {
    const c = client();
    const user = await service.createUser("Ending-Passw0rd-1!");
    const changer = keep(await signIn(c, user));
    const other = keep(await signIn(c, user));
    const changed = await rest(service.address, { oldPassword: user.password, newPassword: "Ending-Passw0rd-2!", authorization: bearer(changer.sessionToken) });
    assert.equal(changed.ok, true, JSON.stringify(changed));
    service.secrets.push("Ending-Passw0rd-2!");
    assert.equal((await refusal(c.getSession({ sessionId: other.sessionId }, { headers: headers() }))).id, "COMMAND-Flk38", "the other session ended");
    await c.getSession({ sessionId: changer.sessionId }, { headers: headers() });

    const again = keep(await signIn(c, user, "Ending-Passw0rd-2!"));
    await service.setUserState(user.userId, "locked");
    for (const s of [changer, again]) {
      assert.equal((await refusal(c.getSession({ sessionId: s.sessionId }, { headers: headers() }))).id, "COMMAND-Flk38", "a lock ends every session");
    }

    const reset = await service.createUser("Reset-Passw0rd-1!");
    const sessions = [keep(await signIn(c, reset)), keep(await signIn(c, reset))];
    const admin = await service.tokenWithRoles(login.userId, { [ADMIN_ROLE]: [reset.resourceOwner] });
    const users = createUserServiceClient(TRANSPORTS.connect(service.url));
    const asAdmin = { headers: { authorization: bearer(admin) } };
    const { verificationCode } = await users.passwordReset({ userId: reset.userId, medium: { case: "returnCode", value: {} } }, asAdmin);
    service.secrets.push(verificationCode!, "Reset-Passw0rd-2!");
    await users.setPassword(
      {
        userId: reset.userId,
        newPassword: { password: "Reset-Passw0rd-2!", changeRequired: false },
        verification: { case: "verificationCode", value: verificationCode! },
      },
      asAdmin,
    );
    for (const s of sessions) {
      assert.equal((await refusal(c.getSession({ sessionId: s.sessionId }, { headers: headers() }))).id, "COMMAND-Flk38", "a reset ends every session");
    }
  });

  it("keeps metadata, user agent and lifetime within the README's bounds; an expired session is listed but authenticates no more", async () => {
    const c = client();
    const user = await service.createUser();
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, new Uint8Array([1])]));
    let r = await refusal(c.createSession({ metadata: tooMany }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [3, "PWSVC-SES02"]);
    r = await refusal(c.createSession({ metadata: { big: new Uint8Array(1025) } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [3, "PWSVC-SES02"]);
    // Keys added by SetSession count with those the session has.
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, new Uint8Array([1])]));
    const full = keep(await c.createSession({ metadata: twenty }, { headers: headers() }));
    r = await refusal(c.setSession({ sessionId: full.sessionId, sessionToken: "", metadata: { more: new Uint8Array([1]) } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [3, "PWSVC-SES02"]);
    keep(
      await c.setSession(
        { sessionId: full.sessionId, sessionToken: "", metadata: { k0: new Uint8Array(), more: new Uint8Array([1]) } },
        { headers: headers() },
      ),
    );
    const header = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`h${i}`, { values: ["v"] }]));
    r = await refusal(c.createSession({ userAgent: { header } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [3, "PWSVC-SES02"]);

    const created = keep(
      await c.createSession(
        {
          checks: { user: { search: { case: "userId", value: user.userId } }, password: { password: user.password } },
          metadata: { app: new TextEncoder().encode("shop") },
          userAgent: { fingerprintId: "fp-1", description: "firefox", header: { "accept-language": { values: ["de"] } } },
          lifetime: { seconds: 1n, nanos: 0 },
        },
        { headers: headers() },
      ),
    );
    const { session } = await c.getSession({ sessionId: created.sessionId }, { headers: headers() });
    assert.equal(new TextDecoder().decode(session?.metadata.app), "shop");
    assert.equal(session?.userAgent?.description, "firefox");
    assert.deepEqual(session?.userAgent?.header["accept-language"]?.values, ["de"]);
    assert.ok(session?.expirationDate);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await rest(service.address, { oldPassword: user.password, newPassword: "Never-Passw0rd-4!", authorization: bearer(created.sessionToken) });
    assert.equal(expired.ok ? 0 : expired.code, 16);
    const listed = await c.listSessions({ queries: [{ query: { case: "userAgentQuery", value: { fingerprintId: "fp-1" } } }] }, { headers: headers() });
    assert.deepEqual(
      listed.sessions.map((s) => s.id),
      [created.sessionId],
    );
    r = await refusal(c.setSession({ sessionId: created.sessionId, metadata: { more: new Uint8Array([1]) } }, { headers: headers() }));
    assert.deepEqual([r.code, r.id], [9, "COMMAND-Hkl3d"]);
  });

  /** The user's username, as the store has it. */
  async function username(user: TestUser): Promise<string> {
    const found = await (await service.store()).users.findUser(user.userId);
    return found!.username;
  }
});
