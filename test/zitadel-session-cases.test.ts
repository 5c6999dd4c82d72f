/**
 * ZITADEL's own session tests that apply to a service of user and password
 * checks (internal/api/grpc/session/v2/integration_test/session_test.go),
 * each named after the case it ports, run through @zitadel/client.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createSessionServiceClient } from "@zitadel/client/v2";
import { bearer } from "./support/clients.js";
import { setPolicy } from "./support/policy.js";
import { Service } from "./support/service.js";
import { ADMIN_ROLE, INSTANCE_ADMIN_ROLE } from "../src/core/roles.js";

async function code(call: Promise<unknown>): Promise<Code> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err).code;
  }
  assert.fail("expected an error");
}

const expire = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe("ZITADEL's session tests, ported", () => {
  let service: Service;
  let client: ReturnType<typeof createSessionServiceClient>;
  let login: { headers: { authorization: string } };
  const keep = <T extends { sessionToken: string }>(answer: T): T => {
    service.secrets.push(answer.sessionToken);
    return answer;
  };
  const as = (token: string) => ({ headers: { authorization: bearer(token) } });
  const passwordSession = async (userId: string, password: string) =>
    keep(await client.createSession({ checks: { user: { search: { case: "userId", value: userId } }, password: { password } } }, login));

  before(async () => {
    service = await Service.start();
    client = createSessionServiceClient(createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }));
    login = as((await service.loginClientToken()).token);
  });
  after(async () => {
    await service?.stop();
  });

  it("TestServer_CreateSession/empty session", async () => {
    const created = keep(await client.createSession({ metadata: { foo: new TextEncoder().encode("bar") } }, login));
    assert.ok(created.details?.changeDate);
    const { session } = await client.getSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }, login);
    assert.equal(new TextDecoder().decode(session?.metadata.foo), "bar");
    assert.equal(session?.factors?.user, undefined);
  });

  it("TestServer_CreateSession/full session", async () => {
    const user = await service.createUser();
    const userAgent = { fingerprintId: "fingerPrintID", ip: "1.2.3.4", description: "Description", header: { foo: { values: ["foo", "bar"] } } };
    const created = keep(
      await client.createSession(
        {
          checks: { user: { search: { case: "userId", value: user.userId } } },
          metadata: { foo: new TextEncoder().encode("bar") },
          userAgent,
          lifetime: { seconds: 300n, nanos: 0 },
        },
        login,
      ),
    );
    const { session } = await client.getSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }, login);
    assert.equal(session?.sequence, created.details?.sequence);
    assert.equal(session?.factors?.user?.id, user.userId);
    assert.equal(session?.factors?.password, undefined);
    assert.deepEqual(
      {
        fingerprintId: session?.userAgent?.fingerprintId,
        ip: session?.userAgent?.ip,
        description: session?.userAgent?.description,
        header: session?.userAgent?.header.foo?.values,
      },
      { ...userAgent, header: ["foo", "bar"] },
    );
    const ms = (t: { seconds: bigint; nanos: number }) => Number(t.seconds) * 1000 + Math.round(t.nanos / 1e6);
    assert.equal(ms(session!.expirationDate!), ms(created.details!.changeDate!) + 300_000, "expires 5 minutes after it was made");
  });

  it("TestServer_CreateSession/negative lifetime", async () => {
    assert.equal(
      await code(client.createSession({ metadata: { foo: new TextEncoder().encode("bar") }, lifetime: { seconds: -300n, nanos: 0 } }, login)),
      Code.InvalidArgument,
    );
  });

  it("TestServer_CreateSession/locked user", async () => {
    const user = await service.createUser();
    await service.setUserState(user.userId, "locked");
    assert.equal(await code(client.createSession({ checks: { user: { search: { case: "userId", value: user.userId } } } }, login)), Code.FailedPrecondition);
  });

  it("TestServer_CreateSession/password without user error", async () => {
    assert.equal(await code(client.createSession({ checks: { password: { password: "Difficult" } } }, login)), Code.FailedPrecondition);
  });

  it("TestServer_CreateSession/passkey without user error (no passkeys here: Unimplemented)", async () => {
    assert.equal(
      await code(client.createSession({ challenges: { webAuthN: { domain: "localhost", userVerificationRequirement: 1 } } }, login)),
      Code.Unimplemented,
    );
  });

  it("TestServer_CreateSession_lock_user", async () => {
    const user = await service.createUser();
    const maxAttempts = 2;
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", String(maxAttempts)]);
    for (let i = 0; i <= maxAttempts; i++) {
      const got = await code(
        client.createSession({ checks: { user: { search: { case: "userId", value: user.userId } }, password: { password: "invalid" } } }, login),
      );
      // Once the limit is hit the user is locked, and the next request is refused as a precondition.
      assert.equal(got, i >= maxAttempts ? Code.FailedPrecondition : Code.InvalidArgument, `attempt ${i + 1}`);
    }
  });

  it("TestServer_SetSession_expired", async () => {
    const created = keep(await client.createSession({ lifetime: { seconds: 1n, nanos: 0 } }, login));
    keep(await client.setSession({ sessionId: created.sessionId, sessionToken: "", lifetime: { seconds: 1n, nanos: 0 } }, login));
    await expire();
    assert.equal(
      await code(client.setSession({ sessionId: created.sessionId, sessionToken: "", lifetime: { seconds: 1n, nanos: 0 } }, login)),
      Code.FailedPrecondition,
    );
  });

  it("TestServer_DeleteSession_token", async () => {
    const admin = await service.createUser();
    const adminToken = await service.tokenWithRoles(admin.userId, { [INSTANCE_ADMIN_ROLE]: [admin.resourceOwner] });
    const created = keep(await client.createSession({}, login));
    assert.equal(await code(client.deleteSession({ sessionId: created.sessionId, sessionToken: "invalid" }, as(adminToken))), Code.PermissionDenied);
    await client.deleteSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }, as(adminToken));
  });

  it("TestServer_DeleteSession_own_session", async () => {
    const user1 = await service.createUser();
    const user2 = await service.createUser();
    const token1 = (await passwordSession(user1.userId, user1.password)).sessionToken;
    const token2 = (await passwordSession(user2.userId, user2.password)).sessionToken;
    const created = keep(await client.createSession({ checks: { user: { search: { case: "userId", value: user1.userId } } } }, login));
    assert.equal(await code(client.deleteSession({ sessionId: created.sessionId }, as(token2))), Code.PermissionDenied);
    await client.deleteSession({ sessionId: created.sessionId }, as(token1));
  });

  it("TestServer_DeleteSession_with_permission", async () => {
    const user1 = await service.createUser();
    const owner = await service.createUser("", { orgId: user1.resourceOwner, username: `owner-${Date.now()}` });
    const ownerToken = await service.tokenWithRoles(owner.userId, { [ADMIN_ROLE]: [user1.resourceOwner] });
    const created = keep(await client.createSession({ checks: { user: { search: { case: "userId", value: user1.userId } } } }, login));
    await client.deleteSession({ sessionId: created.sessionId }, as(ownerToken));
  });

  it("TestServer_DeleteSession_expired", async () => {
    const created = keep(await client.createSession({ lifetime: { seconds: 1n, nanos: 0 } }, login));
    await expire();
    await client.deleteSession({ sessionId: created.sessionId, sessionToken: created.sessionToken }, login);
    assert.equal(await code(client.getSession({ sessionId: created.sessionId }, login)), Code.NotFound);
  });

  it("Test_ZITADEL_API_missing_authentication", async () => {
    const created = keep(await client.createSession({}, login));
    assert.equal(await code(client.getSession({ sessionId: created.sessionId }, as(created.sessionToken))), Code.Unauthenticated);
  });

  it("Test_ZITADEL_API_session_not_found", async () => {
    const user = await service.createUser();
    const { sessionId, sessionToken } = await passwordSession(user.userId, user.password);
    await client.getSession({ sessionId }, as(sessionToken));
    await client.deleteSession({ sessionId, sessionToken }, login);
    assert.equal(await code(client.getSession({ sessionId }, as(sessionToken))), Code.Unauthenticated);
  });

  it("Test_ZITADEL_API_session_expired", async () => {
    const user = await service.createUser();
    const created = keep(
      await client.createSession(
        { checks: { user: { search: { case: "userId", value: user.userId } }, password: { password: user.password } }, lifetime: { seconds: 1n, nanos: 0 } },
        login,
      ),
    );
    await client.getSession({ sessionId: created.sessionId }, as(created.sessionToken));
    await expire();
    assert.equal(await code(client.getSession({ sessionId: created.sessionId }, as(created.sessionToken))), Code.Unauthenticated);
  });
});
