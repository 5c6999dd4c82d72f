import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bearer, type Outcome, PROTOCOLS } from "./support/clients.js";
import { auditEvents, setPolicy } from "./support/policy.js";
import { Service, type TestUser } from "./support/service.js";
import { ADMIN_ROLE } from "../src/core/roles.js";

const RIGHT = "Right-Passw0rd!";
/** RIGHT hashed with bcrypt.hash at costs 12 and 15, made once: the tests need checking them to be slow, not making them. */
const RIGHT_AT_12 = "$2b$12$RfNBe8jxzhJtK5cQfKj1e.1005.TgT3jpNl/QHntjGLUCDRmcEg6G";
const RIGHT_AT_15 = "$2b$15$AZxrpNV9/ZPMULD.3fw/1uBFv/hi7V.jpOUi4coWIIKnms94h9Fma";
const grpc = PROTOCOLS["grpc-js (h2c)"];
const rest = PROTOCOLS.REST;

function change(token: string, oldPassword: string, newPassword = `New-Passw0rd-${Math.random().toString(36).slice(2, 8)}!`) {
  return { oldPassword, newPassword, authorization: bearer(token) };
}

/** A flooding worker's pause after a guess refused before any hash, which comes back at once. */
const REFUSED_PAUSE_MS = 100;

/**
 * A stolen token's flood: `width` wrong guesses in flight at once over
 * HTTP/2, each sent again when it is answered, until `stop()` (or at most
 * `maxRequests`). Resolves to every answer's error ID. A refused guess is
 * sent again after REFUSED_PAUSE_MS: up to 200 guesses a second, a hundred
 * times what the tarpit lets through, without the test's own CPU being
 * what sets the pace (unpaused, it sent about 1,800 a flood).
 */
function flood(address: string, token: string, width: number, maxRequests = 3000) {
  let stopped = false;
  let sent = 0;
  const ids: string[] = [];
  const worker = async () => {
    while (!stopped && sent < maxRequests) {
      sent++;
      const o = await grpc(address, change(token, "Wrong-Passw0rd!"));
      const id = o.ok ? "changed" : (o.detail?.id ?? `code ${o.code}`);
      ids.push(id);
      if (id === "PWSVC-BUSY2") await new Promise((resolve) => setTimeout(resolve, REFUSED_PAUSE_MS));
    }
  };
  const done = Promise.all(Array.from({ length: width }, worker));
  return {
    stop: async () => {
      stopped = true;
      await done;
      return ids;
    },
    /** Waits until `n` of the flood's guesses were checked and failed: from the 5th on, the tarpit holds each one let in. */
    checked: async (n: number) => {
      while (ids.filter((id) => id === "COMMAND-3M0fs").length < n && sent < maxRequests) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

async function adminToken(service: Service, orgId: string): Promise<string> {
  const admin = await service.createUser();
  return service.tokenWithRoles(admin.userId, { [ADMIN_ROLE]: [orgId] });
}

async function post(service: Service, path: string, body: unknown, token: string) {
  const res = await fetch(`${service.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: bearer(token) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

function failure(o: Outcome): string {
  return o.ok ? "changed" : (o.detail?.id ?? `code ${o.code}`);
}

describe("a stolen token's flood and the ways out", () => {
  let service: Service;

  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
  });
  after(async () => {
    await service.stop();
  });

  it("lets the owner's change with another token through while one token floods, and the change revokes the flood's token", async () => {
    const user = await service.createUser(RIGHT);
    const owners = await service.token(user.userId);
    const thief = flood(service.address, user.token, 20);
    await thief.checked(6);
    const changed = await rest(service.address, change(owners, RIGHT));
    const ids = await thief.stop();
    assert.ok(changed.ok, `the owner's change: ${JSON.stringify(changed)}`);
    assert.ok(ids.includes("PWSVC-BUSY2"), "the flood met its token's admission");
    assert.ok(ids.includes("COMMAND-3M0fs"), "the flood's guesses were checked, one at a time");
    const after = await grpc(service.address, change(user.token, "Wrong-Passw0rd!"));
    assert.equal(failure(after), "AUTH-7fs1e", "the change revoked the flood's token");
  });

  it("lets an administrator's reset and the set with its code through while the user's token floods", async () => {
    const user = await service.createUser(RIGHT);
    const admin = await adminToken(service, user.resourceOwner);
    const thief = flood(service.address, user.token, 20);
    await thief.checked(6);
    const reset = await post(service, `/v2/users/${user.userId}/password_reset`, { returnCode: {} }, admin);
    const set = await post(
      service,
      `/v2/users/${user.userId}/password`,
      { newPassword: { password: "Reset-Passw0rd-1!" }, verificationCode: reset.json.verificationCode },
      admin,
    );
    const ids = await thief.stop();
    service.secrets.push(reset.json.verificationCode, "Reset-Passw0rd-1!");
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    assert.equal(set.status, 200, JSON.stringify(set.json));
    assert.ok(ids.includes("PWSVC-BUSY2"), "the flood met its token's admission");
    const after = await grpc(service.address, change(user.token, "Reset-Passw0rd-1!"));
    assert.equal(failure(after), "AUTH-7fs1e", "the reset revoked every token of the user");
  });
});

describe("guesses let in before a change", () => {
  let service: Service;
  let second: Service;

  before(async () => {
    service = await Service.start({ POLICY_CACHE_MS: "0" });
    // A second process on the same database: a guess waiting there meets the change made here.
    second = await Service.start({ POLICY_CACHE_MS: "0" }, service.database);
  });
  after(async () => {
    await second.stop();
    await service.stop();
  });

  it("refuses a guess that waited for the check slot through the owner's change as its token now is, uncounted, on either process", async () => {
    // A hash that takes a while to verify holds the owner's check long enough for the guesses to be let in and wait behind it.
    const user: TestUser = await service.createUser(RIGHT, { passwordHash: RIGHT_AT_12 });
    const [owners, stolen] = [await service.token(user.userId), await service.token(user.userId)];
    const changing = rest(service.address, change(owners, RIGHT));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const guesses = await Promise.all([grpc(service.address, change(user.token, "Wrong-Passw0rd!")), rest(second.address, change(stolen, "Wrong-Passw0rd!"))]);
    assert.ok((await changing).ok, "the owner's change");
    // AUTH-7fs1e is "Token is invalid": the guesses' tokens were valid when let in and revoked by the change they waited behind.
    assert.deepEqual(guesses.map(failure), ["AUTH-7fs1e", "AUTH-7fs1e"], "each guess was refused, not checked against the new password");
    const row = await service.userRow(user.userId);
    assert.equal(row.failed_attempts, 0, "nothing counted toward lockout");
    const failed = (await auditEvents(service, user.userId)).filter((e) => e.type === "password.check.failed");
    assert.deepEqual(failed, [], "no check of the new password failed");
  });
});

describe("a check that outlasts its slot's lease", () => {
  let service: Service;

  before(async () => {
    // A lease shorter than one verify of the user's hash, and a wait long enough that the second request waits rather than being refused.
    service = await Service.start({ POLICY_CACHE_MS: "0", CHECK_LEASE_MS: "1000", HASH_QUEUE_BUDGET_MS: "20000" });
  });
  after(async () => {
    await service.stop();
  });

  it("keeps the slot while a slow verify runs: the right password sent during a wrong guess's check meets the lock it caused, not a race", async () => {
    const user = await service.createUser(RIGHT, { passwordHash: RIGHT_AT_15 });
    await setPolicy(service, ["--org", user.resourceOwner, "--max-password-attempts", "1"]);
    const owners = await service.token(user.userId);
    const guess = grpc(service.address, change(user.token, "Wrong-Passw0rd!"));
    // Past the lease, while the guess is still being verified.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const right = await rest(service.address, change(owners, RIGHT));
    assert.equal(failure(await guess), "COMMAND-3M0fs");
    // Without the slot held, the right password would be verified beside the guess and then fail to commit on the locked user: 409 PWSVC-SEQ01, an oracle.
    assert.equal(failure(right), "COMMAND-JLK35", "the right password meets the lock the guess caused");
    const row = await service.userRow(user.userId);
    assert.equal(row.state, "locked");
    assert.equal(row.failed_attempts, 1);
  });
});
