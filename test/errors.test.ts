import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, type ChangeCall, type Detail, type Outcome, PROTOCOLS } from "./support/clients.js";
import { Service, type TestUser } from "./support/service.js";

/** grpc-gateway's HTTP status for the codes this table uses. */
const HTTP_STATUS: Record<number, number> = { 3: 400, 9: 400, 13: 500, 16: 401 };

interface Expected {
  code: number;
  message: string;
  detail?: Detail;
}

function expected(code: number, id: string | undefined, message: string, failedAttempts?: number): Expected {
  if (!id) return { code, message };
  const type = failedAttempts === undefined ? "zitadel.v1.ErrorDetail" : "zitadel.v1.CredentialsCheckError";
  const detail: Detail = { type, id, message };
  if (failedAttempts !== undefined) detail.failedAttempts = failedAttempts;
  return { code, message: `${message} (${id})`, detail };
}

function assertError(outcome: Outcome, want: Expected, protocol: string): void {
  assert.equal(outcome.ok, false, `${protocol}: expected an error, got ${JSON.stringify(outcome)}`);
  const { httpStatus, ...got } = outcome as Extract<Outcome, { ok: false }>;
  if (!want.detail) delete (got as Partial<typeof got>).detail;
  assert.deepEqual(got, { ok: false, ...want }, protocol);
  if (protocol === "REST") assert.equal(httpStatus, HTTP_STATUS[want.code], "REST status");
}

describe("the contract's error table on every protocol", () => {
  let service: Service;
  let active: TestUser;
  let machine: TestUser;
  let initial: TestUser;
  let noPassword: TestUser;
  let locked: TestUser;
  let unknownToken: string;
  let removed: TestUser;

  before(async () => {
    service = await Service.start();
    [active, machine, initial, noPassword, locked, removed] = await Promise.all([
      service.createUser("Current-Passw0rd!"),
      service.createUser("", { machine: true }),
      service.createUser("Current-Passw0rd!", { initial: true }),
      service.createUser(""),
      service.createUser("Current-Passw0rd!"),
      service.createUser("Current-Passw0rd!"),
    ]);
    unknownToken = await service.signedToken("123456789");
    // Two failed attempts, then an administrator's lock: the count travels with the error.
    for (let i = 0; i < 2; i++) {
      await PROTOCOLS.REST(service.address, { oldPassword: "wrong", newPassword: "Whatever-1!", authorization: bearer(locked.token) });
    }
    await service.setUserState(locked.userId, "locked");
    await service.setUserState(removed.userId, "deleted");
  });
  after(() => service.stop());

  const cases: [string, () => ChangeCall, () => Expected][] = [
    ["no Authorization header", () => ({ oldPassword: "a", newPassword: "b" }), () => expected(16, undefined, "auth header missing")],
    [
      "not a Bearer header",
      () => ({ oldPassword: "a", newPassword: "b", authorization: "Basic YTpi" }),
      () => expected(16, "AUTH-toLo1", "invalid auth header"),
    ],
    [
      "an invalid token",
      () => ({ oldPassword: "a", newPassword: "b", authorization: "Bearer not.a.jwt" }),
      () => expected(16, "AUTH-7fs1e", "Token is invalid"),
    ],
    [
      "an empty old password",
      () => ({ oldPassword: "", newPassword: "b", authorization: bearer(active.token) }),
      () => expected(3, undefined, "invalid UpdateMyPasswordRequest.OldPassword: value length must be at least 1 runes"),
    ],
    [
      "an empty new password",
      () => ({ oldPassword: "a", newPassword: "", authorization: bearer(active.token) }),
      () => expected(3, undefined, "invalid UpdateMyPasswordRequest.NewPassword: value length must be at least 1 runes"),
    ],
    [
      "a new password over 72 bytes",
      () => ({ oldPassword: "a", newPassword: "é".repeat(37), authorization: bearer(active.token) }),
      () => expected(3, undefined, "invalid UpdateMyPasswordRequest.NewPassword: value length must be at most 72 bytes"),
    ],
    [
      "an unknown user",
      () => ({ oldPassword: "a", newPassword: "b", authorization: bearer(unknownToken) }),
      () => expected(9, "COMMAND-G8dh3", "Password not found"),
    ],
    [
      "a removed user",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(removed.token) }),
      () => expected(9, "COMMAND-G8dh3", "Password not found"),
    ],
    [
      "a machine user",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(machine.token) }),
      () => expected(9, "COMMAND-G8dh3", "Password not found"),
    ],
    [
      "a user not yet initialised",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(initial.token) }),
      () => expected(9, "COMMAND-M9dse", "User is not yet initialized"),
    ],
    [
      "a locked user",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(locked.token) }),
      () => expected(9, "COMMAND-JLK35", "User is locked", 2),
    ],
    [
      "a user without a password",
      () => ({ oldPassword: "anything", newPassword: "New-Passw0rd!", authorization: bearer(noPassword.token) }),
      () => expected(9, "COMMAND-Fds3s", "User has not set a password"),
    ],
    [
      "the same password again",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "Current-Passw0rd!", authorization: bearer(active.token) }),
      () => expected(9, "COMMAND-Aesh5", "New password cannot be the same as your current password"),
    ],
    [
      "too short",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "Aa1!", authorization: bearer(active.token) }),
      () => expected(3, "DOMAIN-HuJf6", "Password is too short"),
    ],
    [
      "no lower case",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "NEW-PASSW0RD!", authorization: bearer(active.token) }),
      () => expected(3, "DOMAIN-co3Xw", "Password must contain lower case"),
    ],
    [
      "no upper case",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "new-passw0rd!", authorization: bearer(active.token) }),
      () => expected(3, "DOMAIN-VoaRj", "Password must contain upper case"),
    ],
    [
      "no number",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "New-Password!", authorization: bearer(active.token) }),
      () => expected(3, "DOMAIN-ZBv4H", "Password must contain number"),
    ],
    [
      "no symbol",
      () => ({ oldPassword: "Current-Passw0rd!", newPassword: "NewPassw0rd", authorization: bearer(active.token) }),
      () => expected(3, "DOMAIN-ZDLwA", "Password must contain symbol"),
    ],
    [
      "the wrong old password with a too-short new one",
      () => ({ oldPassword: "Wrong-Passw0rd!", newPassword: "x", authorization: bearer(active.token) }),
      // The old password is verified first; the count is per user and grows.
      () => expected(3, "COMMAND-3M0fs", "Password is invalid", ++activeFailures),
    ],
  ];
  let activeFailures = 0;
  /** No detail; a field's validation; an ErrorDetail; a CredentialsCheckError with its count. */
  const BUF_CURL_CASES = new Set(["no Authorization header", "an empty old password", "too short", "a locked user"]);

  for (const [name, protocolCall] of Object.entries(PROTOCOLS)) {
    describe(name, () => {
      // buf curl, a process a call, gets one case of each shape; the clients in this process get them all.
      const sample = name.startsWith("buf curl") ? BUF_CURL_CASES : undefined;
      for (const [label, call, want] of cases.filter(([label]) => !sample || sample.has(label))) {
        it(label, async () => {
          const before = (await service.userRow(active.userId)).sequence;
          const request = call();
          // Own API messages name its own request type.
          const expectation = want();
          if (name.startsWith("own API")) {
            expectation.message = expectation.message.replace("UpdateMyPasswordRequest", "ChangeMyPasswordRequest");
          }
          assertError(await protocolCall(service.address, request), expectation, name);
          assert.equal((await service.userRow(active.userId)).sequence, before, "nothing changed");
        });
      }

      it("the wrong old password, counted per failure", async () => {
        const user = await service.createUser("Right-Passw0rd!");
        for (const count of [1, 2]) {
          const outcome = await protocolCall(service.address, {
            oldPassword: "Wrong-Passw0rd!",
            newPassword: "New-Passw0rd!",
            authorization: bearer(user.token),
          });
          assertError(outcome, expected(3, "COMMAND-3M0fs", "Password is invalid", count), name);
        }
        const changed = await protocolCall(service.address, {
          oldPassword: "Right-Passw0rd!",
          newPassword: "New-Passw0rd!",
          authorization: bearer(user.token),
        });
        assert.equal(changed.ok, true, "the right password still works");
        assert.equal((await service.userRow(user.userId)).failed_attempts, 0, "a successful change resets the count");
      });
    });
  }
});

describe("an unexpected failure", () => {
  it("answers 13 Internal with COMMAND-CahN2 and logs no secret", async () => {
    const service = await Service.start();
    try {
      const user = await service.createUser("Current-Passw0rd!");
      // Break the store under the running server: the change can no longer commit.
      await service.database.db.schema.dropTable("events").execute();
      for (const [name, call] of Object.entries(PROTOCOLS).filter(([n]) => !n.startsWith("buf"))) {
        const outcome = await call(service.address, {
          oldPassword: "Current-Passw0rd!",
          newPassword: "New-Passw0rd!",
          authorization: bearer(user.token),
        });
        assertError(outcome, expected(13, "COMMAND-CahN2", "An internal error occurred"), name);
      }
      assert.equal((await service.userRow(user.userId)).sequence, 1, "the user row did not move without its event");
      const logs = service.logs.join("\n");
      assert.match(logs, /unexpected error/);
      // The error's own line names the request it happened in.
      const failure = await service.logEntry((l) => /^unexpected error/.test(l.msg));
      assert.ok(
        failure?.requestId && (await service.logEntry((l) => l.msg === "request" && l.requestId === failure.requestId)),
        "the error's line carries its request's ID",
      );
      for (const secret of ["Current-Passw0rd!", "New-Passw0rd!", user.token]) assert.ok(!logs.includes(secret));
    } finally {
      await service.stop();
    }
  });
});
