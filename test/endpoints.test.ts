import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateKeyPair } from "jose";
import { pino } from "pino";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { AuthService } from "../gen/zitadel/auth_pb.js";
import { CredentialsCheckErrorSchema } from "../gen/zitadel/message_pb.js";
import { connectRoutes } from "../src/api/connect-routes.js";
import { apiHandlers, handlersByMethod } from "../src/api/services.js";
import type { PolicyEndpoint } from "../src/api/policy-endpoint.js";
import type { SessionEndpoint } from "../src/api/session-endpoint.js";
import { ChangeEndpoint, type ChangeRequest } from "../src/api/change-endpoint.js";
import { Gate } from "../src/api/gate.js";
import { UserEndpoint } from "../src/api/user-endpoint.js";
import { errors, ServiceError } from "../src/core/errors.js";
import type { ResetDeps } from "../src/core/reset-password.js";
import { RevocationCheck, type TokenCutoff } from "../src/core/revocation.js";
import { UserAdmission } from "../src/crypto/hash-pool.js";
import { Authenticator, TokenIssuer } from "../src/crypto/tokens.js";
import { VerifiedTokens } from "../src/crypto/verified-tokens.js";
import type { RequestInfo } from "../src/ops/request-info.js";
import { FakeHasher, FakeStore, fakeDeps, TEST_USER } from "./support/fake-store.js";

/**
 * The endpoints every protocol adapter calls, on in-memory fakes: a real
 * token check with a key made here, the use case on a FakeStore. What each
 * protocol makes of the answers is the contract tests' (errors.test.ts,
 * protocols.test.ts).
 */
const ISSUER = "test-issuer";
const CLAIMS = { rolesClaim: "roles", subjectClaim: "sub" };
const { privateKey, publicKey } = await generateKeyPair("ES256");
const issuer = new TokenIssuer(privateKey, "k1", ISSUER, ISSUER, CLAIMS);
const authenticator = new Authenticator(
  publicKey,
  { issuer: ISSUER, audience: ISSUER, algorithms: ["ES256"] },
  CLAIMS,
  new VerifiedTokens(100),
  () => publicKey,
  pino({ level: "silent" }),
);

interface Setup {
  store: FakeStore;
  hasher: FakeHasher;
  cutoff?: TokenCutoff;
  perUser?: number;
  logged: string[];
}

function setup(overrides: Partial<Setup> = {}) {
  const store = overrides.store ?? new FakeStore({ ...TEST_USER });
  const hasher = overrides.hasher ?? new FakeHasher();
  const s: Setup = { store, hasher, logged: [], ...overrides };
  const logger = pino({ level: "warn" }, { write: (line: string) => void s.logged.push(line) });
  const revocation = new RevocationCheck({ tokenCutoff: async () => s.cutoff });
  const gate = new Gate(authenticator, revocation, logger);
  const { deps } = fakeDeps(store, { hasher });
  const admission = new UserAdmission(s.perUser ?? 3, s.perUser ?? 3);
  return {
    s,
    change: new ChangeEndpoint(gate, deps, admission),
    // The administrator's set reads the user through the reset's store.
    users: new UserEndpoint(gate, deps, { store: deps.store } as unknown as ResetDeps, admission),
  };
}

/** A hasher whose checks wait until released, so that a second request arrives while the first is in flight. */
function heldHasher(): { hasher: FakeHasher; release: () => void } {
  const hasher = new FakeHasher();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const admit = hasher.admit.bind(hasher);
  hasher.admit = () => {
    const work = admit();
    return { ...work, verify: async (password, hash) => (await held, work.verify(password, hash)) };
  };
  return { hasher, release };
}

const token = (userId = TEST_USER.id) => issuer.issue(userId, "5m").then((t) => `Bearer ${t}`);

async function changeRequest(overrides: Partial<ChangeRequest> = {}): Promise<ChangeRequest & { info: RequestInfo }> {
  return {
    requestName: "UpdateMyPasswordRequest",
    authorization: await token(),
    oldPassword: "Right-Passw0rd!",
    newPassword: "New-Passw0rd!",
    context: {},
    info: { id: "r1", protocol: "grpc", rpc: "x", remoteAddress: undefined },
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return err;
  }
  assert.fail("expected a refusal");
}

describe("the change endpoint", () => {
  it("changes the password, and tells the request's info the caller, the code and the outcome", async () => {
    const { s, change } = setup();
    const req = await changeRequest();
    const { details } = await change.handle(req);
    assert.equal(details.sequence, 2n);
    assert.equal(details.resourceOwner, TEST_USER.orgId);
    assert.equal(s.store.user.passwordHash, "hash:New-Passw0rd!");
    assert.deepEqual([req.info.userId, req.info.code, req.info.outcome], [TEST_USER.id, 0, "changed"]);
  });

  it("refuses at capacity before the token is checked", async () => {
    const hasher = new FakeHasher();
    hasher.refuseIfBusy = () => {
      throw errors.atCapacity(1);
    };
    const { change } = setup({ hasher });
    const req = await changeRequest({ authorization: "Bearer not-a-token" });
    const err = await refusal(change.handle(req));
    assert.equal(err.kind, "resource-exhausted");
    assert.deepEqual([req.info.userId, req.info.code, req.info.outcome], [undefined, 8, "overloaded"]);
  });

  it("refuses a token that a later change revoked, and changes nothing", async () => {
    const { s, change } = setup({ cutoff: { validAfterMs: Date.now() + 60_000, exempt: null } });
    const req = await changeRequest();
    const err = await refusal(change.handle(req));
    assert.equal(err.message, "Token is invalid");
    assert.deepEqual([req.info.code, req.info.outcome], [16, "unauthenticated"]);
    assert.equal(s.store.user.sequence, TEST_USER.sequence);
  });

  it("checks the fields as ZITADEL does, in the request's own name", async () => {
    const { s, change } = setup();
    const empty = await refusal(change.handle(await changeRequest({ oldPassword: "" })));
    assert.equal(empty.message, "invalid UpdateMyPasswordRequest.OldPassword: value length must be at least 1 runes");
    const long = await refusal(change.handle(await changeRequest({ requestName: "ChangeMyPasswordRequest", newPassword: "é".repeat(37) })));
    assert.equal(long.message, "invalid ChangeMyPasswordRequest.NewPassword: value length must be at most 72 bytes");
    assert.deepEqual(s.hasher.verified, [], "no hash was spent on them");
  });

  it("lets a user have only so many changes in flight at once", async () => {
    const { hasher, release } = heldHasher();
    const { change } = setup({ hasher, perUser: 1 });
    const settled = [await changeRequest(), await changeRequest()].map((req) =>
      change.handle(req).then(
        () => "changed",
        (err: ServiceError) => err.id,
      ),
    );
    assert.equal(await Promise.race(settled), "PWSVC-BUSY2");
    release();
    assert.deepEqual((await Promise.all(settled)).sort(), ["PWSVC-BUSY2", "changed"]);
  });

  it("answers an unexpected failure as the contract's internal error, and logs it", async () => {
    const store = new FakeStore({ ...TEST_USER });
    store.findUser = async () => {
      throw new Error("disk on fire");
    };
    const { s, change } = setup({ store });
    const req = await changeRequest();
    const err = await refusal(change.handle(req));
    assert.equal(err.kind, "internal");
    assert.deepEqual([req.info.code, req.info.outcome], [13, "internal_error"]);
    assert.match(s.logged.join(""), /disk on fire/);
    assert.doesNotMatch(s.logged.join(""), /Right-Passw0rd|New-Passw0rd/);
  });
});

describe("the v2 user endpoint", () => {
  const setRequest = async (userId: string, verification: Parameters<UserEndpoint["setPassword"]>[0]["verification"]) => ({
    authorization: await token(),
    userId,
    newPassword: { password: "New-Passw0rd!", changeRequired: false },
    verification,
    context: {},
    info: { id: "r1", protocol: "grpc", rpc: "x", remoteAddress: undefined } as RequestInfo,
  });

  it("sets the caller's own password with the current one, counted as a change", async () => {
    const { s, users } = setup();
    const req = await setRequest(TEST_USER.id, { case: "currentPassword", value: "Right-Passw0rd!" });
    await users.setPassword(req);
    assert.equal(s.store.user.passwordHash, "hash:New-Passw0rd!");
    assert.deepEqual([req.info.code, req.info.outcome], [0, "changed"]);
  });

  it("refuses another user's password by the current one, and a set with no proof, to a user without a role, with 7", async () => {
    const { s, users } = setup();
    for (const req of [
      await setRequest("someone-else", { case: "currentPassword", value: "Right-Passw0rd!" }),
      await setRequest(TEST_USER.id, { case: undefined }),
    ]) {
      const err = await refusal(users.setPassword(req));
      assert.equal(err.kind, "permission-denied");
      assert.equal(req.info.code, 7);
    }
    assert.deepEqual(s.hasher.verified, []);
  });

  it("refuses a set at capacity before the token is checked, as a change", async () => {
    const hasher = new FakeHasher();
    hasher.refuseIfBusy = () => {
      throw errors.atCapacity(1);
    };
    const { s, users } = setup({ hasher });
    const req = { ...(await setRequest(TEST_USER.id, { case: "currentPassword", value: "Right-Passw0rd!" })), authorization: "Bearer not-a-token" };
    const err = await refusal(users.setPassword(req));
    assert.equal(err.kind, "resource-exhausted");
    assert.deepEqual([req.info.userId, req.info.code, req.info.outcome], [undefined, 8, "overloaded"]);
    assert.equal(s.store.user.passwordHash, TEST_USER.passwordHash);
  });

  it("lets a user have only so many sets with the current password in flight at once", async () => {
    const { hasher, release } = heldHasher();
    const { users } = setup({ hasher, perUser: 1 });
    const requests = [0, 1].map(() => setRequest(TEST_USER.id, { case: "currentPassword", value: "Right-Passw0rd!" }));
    const settled = (await Promise.all(requests)).map((req) =>
      users.setPassword(req).then(
        () => "set",
        (err: ServiceError) => err.id,
      ),
    );
    assert.equal(await Promise.race(settled), "PWSVC-BUSY2");
    release();
    assert.deepEqual((await Promise.all(settled)).sort(), ["PWSVC-BUSY2", "set"]);
  });

  it("checks the user ID as ZITADEL does", async () => {
    const { users } = setup();
    const err = await refusal(users.setPassword(await setRequest("x".repeat(201), { case: "currentPassword", value: "a" })));
    assert.equal(err.message, "invalid SetPasswordRequest.UserId: value length must be between 1 and 200 runes, inclusive");
  });
});

describe("the Connect routes over connect-es's in-memory transport", () => {
  // The routes as every Connect-based protocol reaches them, with no socket:
  // the request's message in, the answer or the error detail out.
  const client = (s = setup()) => ({
    s,
    auth: createClient(
      AuthService,
      createRouterTransport(
        connectRoutes(handlersByMethod(apiHandlers({ change: s.change, policies: {} as PolicyEndpoint, users: s.users, sessions: {} as SessionEndpoint }))),
      ),
    ),
  });

  it("changes the password and answers ZITADEL's details", async () => {
    const { s, auth } = client();
    const res = await auth.updateMyPassword({ oldPassword: "Right-Passw0rd!", newPassword: "New-Passw0rd!" }, { headers: { authorization: await token() } });
    assert.deepEqual([res.details?.sequence, res.details?.resourceOwner], [2n, TEST_USER.orgId]);
    assert.equal(s.s.store.user.passwordHash, "hash:New-Passw0rd!");
  });

  it("answers a wrong old password with the credential error's detail, in the language asked for", async () => {
    const { s, auth } = client();
    const headers = { authorization: await token(), "accept-language": "de" };
    const err = await auth.updateMyPassword({ oldPassword: "Wrong-Passw0rd!", newPassword: "New-Passw0rd!" }, { headers }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => ConnectError.from(e),
    );
    assert.equal(err.code, Code.InvalidArgument);
    const [detail] = err.findDetails(CredentialsCheckErrorSchema);
    assert.deepEqual([detail?.id, detail?.failedAttempts], ["COMMAND-3M0fs", 1]);
    assert.notEqual(err.rawMessage, "Password is invalid", "not the English text");
    assert.equal(s.s.store.user.sequence, TEST_USER.sequence, "nothing changed");
  });

  it("answers a call without a token as unauthenticated", async () => {
    const { auth } = client();
    const err = await auth.updateMyPassword({ oldPassword: "Right-Passw0rd!", newPassword: "New-Passw0rd!" }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => ConnectError.from(e),
    );
    assert.equal(err.code, Code.Unauthenticated);
  });
});
