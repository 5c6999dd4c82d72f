import { once } from "node:events";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcrypt";
import { pino } from "pino";
import { type CryptoKey, generateKeyPair, importJWK, type JWK, type JWTPayload, type JWTVerifyGetKey, SignJWT } from "jose";
import { Authenticator } from "../src/crypto/tokens.js";
import { VerifiedTokens } from "../src/crypto/verified-tokens.js";
import { bearer, type Caller, connectBinaryH2, grpcJs, type Outcome, restOutcome, restRequest } from "./support/clients.js";
import { Service } from "./support/service.js";
import { logEntries } from "./support/tools.js";
import { type IssuerKey, issuerKey, JwksServer } from "./support/issuer.js";

const SELF = "password-service";

function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

const now = () => Math.floor(Date.now() / 1000);

interface SignOptions {
  alg?: string;
  kid?: string;
  /** Claims to set; `undefined` values leave the claim out. */
  claims?: Partial<Record<keyof JWTPayload, unknown>>;
}

async function sign(key: CryptoKey | Uint8Array, opts: SignOptions & { alg: string }): Promise<string> {
  const t = now();
  const claims: Record<string, unknown> = { iss: SELF, aud: SELF, iat: t, exp: t + 600, ...opts.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const header = opts.kid === undefined ? { alg: opts.alg, typ: "JWT" } : { alg: opts.alg, kid: opts.kid, typ: "JWT" };
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header).sign(key);
}

/** REST with the WWW-Authenticate header kept, as an Outcome plus the header. */
async function restWithHeader(address: string, call: Parameters<Caller>[1]): Promise<Outcome & { wwwAuthenticate: string | null }> {
  const res = await restRequest(address, {
    body: JSON.stringify({ oldPassword: call.oldPassword, newPassword: call.newPassword }),
    authorization: call.authorization,
  });
  if (res.status !== 200) assert.deepEqual(Object.keys(res.json), ["code", "message", "details"]);
  return { ...restOutcome(res.status, res.json), wwwAuthenticate: res.headers.get("www-authenticate") };
}

const CALLERS: [string, Caller][] = [
  ["REST", restWithHeader],
  ["grpc-js", grpcJs],
  ["Connect (binary, HTTP/2)", connectBinaryH2],
];

/** The contract's errors of the authentication step. */
const expected = {
  missing: { ok: false, code: 16, message: "auth header missing", detail: undefined },
  header: {
    ok: false,
    code: 16,
    message: "invalid auth header (AUTH-toLo1)",
    detail: { type: "zitadel.v1.ErrorDetail", id: "AUTH-toLo1", message: "invalid auth header" },
  },
  token: {
    ok: false,
    code: 16,
    message: "Token is invalid (AUTH-7fs1e)",
    detail: { type: "zitadel.v1.ErrorDetail", id: "AUTH-7fs1e", message: "Token is invalid" },
  },
  unavailable: {
    ok: false,
    code: 14,
    message: "The token issuer's keys cannot be fetched (AUTH-JWKS1)",
    detail: { type: "zitadel.v1.ErrorDetail", id: "AUTH-JWKS1", message: "The token issuer's keys cannot be fetched" },
  },
  notFound: {
    ok: false,
    code: 9,
    message: "Password not found (COMMAND-G8dh3)",
    detail: { type: "zitadel.v1.ErrorDetail", id: "COMMAND-G8dh3", message: "Password not found" },
  },
};

type Expected = (typeof expected)[keyof typeof expected];

/** Compares an Outcome with one of `expected`, and on REST the status and WWW-Authenticate. */
function assertOutcome(outcome: Outcome & { wwwAuthenticate?: string | null }, want: Expected, label: string): void {
  const { httpStatus, wwwAuthenticate, ...rest } = outcome as Outcome & { httpStatus?: number; wwwAuthenticate?: string | null };
  assert.deepEqual(rest, want, label);
  if (httpStatus === undefined) return;
  assert.equal(httpStatus, { 16: 401, 14: 503, 9: 400 }[want.code], label);
  if (want.code !== 16) {
    assert.equal(wwwAuthenticate, null, label);
    return;
  }
  // RFC 6750: no error code when there were no credentials at all.
  if (want === expected.missing) assert.equal(wwwAuthenticate, "Bearer", label);
  else if (want === expected.token) assert.equal(wwwAuthenticate, 'Bearer error="invalid_token"', label);
  else assert.match(String(wwwAuthenticate), /^Bearer\b/, label);
}

describe("authentication with the service's own tokens", () => {
  let service: Service;
  let key: CryptoKey;
  let kid: string;
  let victim: { userId: string };
  let victimRow: Awaited<ReturnType<Service["userRow"]>>;
  let cases: [string, string | undefined, Expected][];

  before(async () => {
    // These tests are about which tokens are accepted; one of them changes one
    // user's password with tokens all signed in advance, which revocation (see
    // revocation.test.ts) would refuse after the first change.
    service = await Service.start({ TOKEN_REVOCATION: "none" });
    victim = await service.createUser("Victim-Passw0rd!");
    victimRow = await service.userRow(victim.userId);
    const stored = await service.database.signingKey();
    kid = stored.kid;
    key = (await importJWK(stored.privateJwk, "ES256")) as CryptoKey;
    const own = { alg: "ES256", kid };
    const sub = victim.userId;
    const t = now();
    const valid = await sign(key, { ...own, claims: { sub } });
    const [h, p] = valid.split(".");
    const strange = await generateKeyPair("ES256");
    const otherUsersSignature = (await sign(key, { ...own, claims: { sub: "12345" } })).split(".")[2];
    const publicX = new TextEncoder().encode(JSON.stringify(stored.publicJwk));

    cases = [
      ["no Authorization header", undefined, expected.missing],
      ["Basic credentials", "Basic dXNlcjpwYXNz", expected.header],
      ["'Bearer' alone", "Bearer", expected.header],
      ["another scheme", `Token ${valid}`, expected.header],
      ["no space", `Bearer${valid}`, expected.header],
      ["two tokens", `Bearer ${valid} ${valid}`, expected.header],
      ["garbage", "Bearer garbage", expected.token],
      ["three garbage parts", "Bearer a.b.c", expected.token],
      ["header not JSON", `Bearer ${b64url("{")}.${p}.sig`, expected.token],
      ["payload not JSON", `Bearer ${h}.${b64url("not json")}.sig`, expected.token],
      ["payload an array", `Bearer ${signRaw(stored.privateJwk, { alg: "ES256", kid }, [1, 2])}`, expected.token],
      ["another token's signature", `Bearer ${h}.${p}.${otherUsersSignature}`, expected.token],
      ["signed with another key", bearer(await sign(strange.privateKey, { ...own, claims: { sub } })), expected.token],
      ["alg none", `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${p}.`, expected.token],
      ["alg none, kid kept", `Bearer ${b64url({ alg: "none", kid, typ: "JWT" })}.${p}.`, expected.token],
      ["HS256 keyed with the public key", bearer(await sign(publicX, { alg: "HS256", kid, claims: { sub } })), expected.token],
      [
        "crit header",
        `Bearer ${signRaw(stored.privateJwk, { alg: "ES256", kid, crit: ["x-unknown"], "x-unknown": 1 }, { sub, iss: SELF, aud: SELF, iat: t, exp: t + 600 })}`,
        expected.token,
      ],
      ["expired beyond the tolerance", bearer(await sign(key, { ...own, claims: { sub, iat: t - 120, exp: t - 30 } })), expected.token],
      ["not yet valid", bearer(await sign(key, { ...own, claims: { sub, nbf: t + 120 } })), expected.token],
      ["exp not a number", bearer(await sign(key, { ...own, claims: { sub, exp: "tomorrow" } })), expected.token],
      ["wrong issuer", bearer(await sign(key, { ...own, claims: { sub, iss: "https://evil.example" } })), expected.token],
      ["no issuer", bearer(await sign(key, { ...own, claims: { sub, iss: undefined } })), expected.token],
      ["wrong audience", bearer(await sign(key, { ...own, claims: { sub, aud: "another-api" } })), expected.token],
      ["no audience", bearer(await sign(key, { ...own, claims: { sub, aud: undefined } })), expected.token],
      ["no sub", bearer(await sign(key, { ...own, claims: {} })), expected.token],
      ["sub a number", bearer(await sign(key, { ...own, claims: { sub: 42 } })), expected.token],
      ["sub an object", bearer(await sign(key, { ...own, claims: { sub: { id: sub } } })), expected.token],
      ["sub empty", bearer(await sign(key, { ...own, claims: { sub: "" } })), expected.token],
      ["no exp", bearer(await sign(key, { ...own, claims: { sub, exp: undefined } })), expected.token],
      ["no iat", bearer(await sign(key, { ...own, claims: { sub, iat: undefined } })), expected.token],
      ["a user that does not exist", bearer(await sign(key, { ...own, claims: { sub: "1" } })), expected.notFound],
    ];
  });

  after(() => service.stop());

  it("keeps its signing key in the database, not in a file", async () => {
    assert.equal(fs.existsSync(path.join(service.dataDir, "signing-key.json")), false);
    assert.equal((await service.database.signingKey()).kid, kid);
  });

  for (const [name, call] of CALLERS) {
    it(`refuses every bad credential over ${name} with the contract's error`, async () => {
      for (const [label, authorization, want] of cases) {
        const outcome = await call(service.address, { oldPassword: "Victim-Passw0rd!", newPassword: "New-Passw0rd!", authorization });
        assertOutcome(outcome, want, label);
      }
      const row = await service.userRow(victim.userId);
      assert.deepEqual(row, victimRow, "the user is as it was");
    });
  }

  it("accepts the tokens it should: its own, a foreign kid header, 'bearer' in lower case, one just expired", async () => {
    // Checks that the refusals above are for the stated reason, not for how this test signs.
    const user = await service.createUser("Passw0rd-1!");
    const t = now();
    const steps: [Caller, string, string][] = [
      [restWithHeader, await sign(key, { alg: "ES256", kid, claims: { sub: user.userId } }), "Bearer"],
      // Only the key counts in self-issued mode, not the kid.
      [grpcJs, await sign(key, { alg: "ES256", kid: "whatever", claims: { sub: user.userId } }), "bearer"],
      // Within the 10 s clock tolerance.
      [connectBinaryH2, await sign(key, { alg: "ES256", kid, claims: { sub: user.userId, iat: t - 60, exp: t - 2 } }), "Bearer"],
      // A token issued by the CLI, as a client would get it.
      [restWithHeader, await service.token(user.userId), "Bearer"],
    ];
    for (const [i, [call, token, scheme]] of steps.entries()) {
      const outcome = await call(service.address, {
        oldPassword: `Passw0rd-${i + 1}!`,
        newPassword: `Passw0rd-${i + 2}!`,
        authorization: `${scheme} ${token}`,
      });
      assert.equal(outcome.ok && outcome.sequence, String(i + 2), `step ${i + 1}: ${JSON.stringify(outcome)}`);
    }
    assert.ok(await bcrypt.compare(`Passw0rd-${steps.length + 1}!`, (await service.userRow(user.userId)).password_hash!));
  });
});

/**
 * A compact ES256 JWS built by hand over any header and payload, for what
 * jose refuses to sign (an array payload, an unknown "crit" extension).
 */
function signRaw(privateJwk: JWK, header: Record<string, unknown>, payload: unknown): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const key = crypto.createPrivateKey({ key: privateJwk as crypto.JsonWebKey, format: "jwk" });
  const signature = crypto.sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}

describe("authentication with an external issuer's JWKS", () => {
  const ISSUER = "https://issuer.example";
  const AUDIENCE = "password-service-api";
  const PROJECT = "287593748912455693";
  let jwks: JwksServer;
  let service: Service;
  let keys: Record<"RS256" | "ES256" | "EdDSA", IssuerKey>;

  const token = (key: IssuerKey, sub: string, claims: Record<string, unknown> = {}, kid = key.kid) =>
    sign(key.privateKey, { alg: key.alg, kid, claims: { iss: ISSUER, aud: AUDIENCE, sub, ...claims } });

  before(async () => {
    jwks = await JwksServer.start();
    const [rs, es, ed] = await Promise.all(["RS256", "ES256", "EdDSA"].map(issuerKey));
    keys = { RS256: rs, ES256: es, EdDSA: ed };
    jwks.keys = [rs.publicJwk, es.publicJwk, ed.publicJwk];
    service = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_PROJECT_ID: PROJECT });
  });

  after(async () => {
    await service.stop();
    await jwks.close();
  });

  it("does not make a key of its own (cli.test.ts: nor will the CLI issue tokens)", async () => {
    await assert.rejects(service.database.signingKey(), /no result/i);
  });

  it("reads another organisation's settings only with password-service:admin for it in the roles claim of JWT_PROJECT_ID's project", async () => {
    const [me, other] = await Promise.all([service.createUser("Initial-Passw0rd!"), service.createUser("Initial-Passw0rd!")]);
    const read = async (roles: unknown, claim = `urn:zitadel:iam:org:project:${PROJECT}:roles`) => {
      const jwt = await token(keys.ES256, me.userId, roles === undefined ? {} : { [claim]: roles });
      const res = await fetch(`${service.url}/v2/settings/lockout?ctx.orgId=${other.resourceOwner}`, { headers: { authorization: bearer(jwt) } });
      return res.status;
    };
    assert.equal(await read({ "password-service:admin": { [other.resourceOwner]: "other.example" } }), 200);
    assert.equal(await read(undefined), 403, "no roles");
    assert.equal(await read({ "password-service:admin": { [me.resourceOwner]: "me.example" } }), 403, "the role for its own organisation only");
    assert.equal(await read({ admin: { [other.resourceOwner]: "other.example" } }), 403, "another project's role");
    assert.equal(await read(["password-service:admin"]), 403, "a claim of another shape grants nothing");
    const generic = { "password-service:instance-admin": { [me.resourceOwner]: "me.example" } };
    assert.equal(await read(generic, "urn:zitadel:iam:org:project:roles"), 403, "the roles of whichever project asked for the token");
    assert.equal(await read(generic, "urn:zitadel:iam:org:project:1:roles"), 403, "another project's claim");
  });

  it("changes passwords with RS256, ES256 and EdDSA tokens from the JWKS", async () => {
    const algs = ["RS256", "ES256", "EdDSA"] as const;
    const users = await Promise.all(algs.map(() => service.createUser("Initial-Passw0rd!")));
    await Promise.all(
      algs.map(async (alg, i) => {
        const authorization = bearer(await token(keys[alg], users[i].userId));
        for (const [step, [, call]] of CALLERS.entries()) {
          const outcome = await call(service.address, {
            oldPassword: step === 0 ? "Initial-Passw0rd!" : `New-Passw0rd-${step}!`,
            newPassword: `New-Passw0rd-${step + 1}!`,
            authorization,
          });
          assert.equal(outcome.ok && outcome.sequence, String(step + 2), `${alg} ${CALLERS[step][0]}: ${JSON.stringify(outcome)}`);
        }
        assert.ok(await bcrypt.compare(`New-Passw0rd-${CALLERS.length}!`, (await service.userRow(users[i].userId)).password_hash!));
      }),
    );
  });

  it("refuses tokens of an unknown kid, another key under a known kid, HMAC, another issuer or audience", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    const rowBefore = await service.userRow(user.userId);
    const stranger = await issuerKey("ES256");
    const hmacSecret = new TextEncoder().encode(JSON.stringify(keys.RS256.publicJwk));
    const cases: [string, string][] = [
      ["unknown kid", await token(stranger, user.userId)],
      ["another key under a known kid", await token(stranger, user.userId, {}, keys.ES256.kid)],
      ["no kid, a key not in the set", await sign(stranger.privateKey, { alg: "ES256", claims: { iss: ISSUER, aud: AUDIENCE, sub: user.userId } })],
      [
        "HS256 keyed with a public JWK",
        await sign(hmacSecret, { alg: "HS256", kid: keys.RS256.kid, claims: { iss: ISSUER, aud: AUDIENCE, sub: user.userId } }),
      ],
      [
        "ES256 header on the RS256 key",
        await sign(stranger.privateKey, { alg: "ES256", kid: keys.RS256.kid, claims: { iss: ISSUER, aud: AUDIENCE, sub: user.userId } }),
      ],
      ["the service's default issuer", await token(keys.ES256, user.userId, { iss: SELF })],
      ["another audience", await token(keys.ES256, user.userId, { aud: SELF })],
      ["expired", await token(keys.ES256, user.userId, { iat: now() - 300, exp: now() - 60 })],
    ];
    for (const [name, call] of CALLERS) {
      for (const [label, jwt] of cases) {
        const outcome = await call(service.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(jwt) });
        assertOutcome(outcome, expected.token, `${name}: ${label}`);
      }
    }
    assert.deepEqual(await service.userRow(user.userId), rowBefore);
  });

  it("logs why it refused a token, naming the claim, once a minute at info and always at debug; the caller is told only ZITADEL's error", async () => {
    const watched = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, LOG_LEVEL: "debug" });
    try {
      const user = await watched.createUser("Initial-Passw0rd!");
      const stranger = await issuerKey("ES256");
      const cases: [string, string, Record<string, unknown>][] = [
        // The operator's JWT_ISSUER without the issuer's trailing slash.
        ["iss", await token(keys.ES256, user.userId, { iss: `${ISSUER}/` }), { expected: ISSUER, got: JSON.stringify(`${ISSUER}/`) }],
        [
          "aud",
          await token(keys.ES256, user.userId, { aud: ["console", "another-api"] }),
          { expected: AUDIENCE, got: JSON.stringify(["console", "another-api"]) },
        ],
        ["exp", await token(keys.ES256, user.userId, { iat: now() - 300, exp: now() - 60 }), {}],
        ["signature", await token(stranger, user.userId, {}, keys.ES256.kid), {}],
        ["kid", await token(stranger, user.userId), {}],
      ];
      for (const [i, [claim, jwt, quoted]] of cases.entries()) {
        watched.secrets.push(jwt);
        const outcome = await grpcJs(watched.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(jwt) });
        assertOutcome(outcome, expected.token, claim);
        const line = await watched.logEntry((e) => e.refused?.claim === claim);
        assert.ok(line, `a line names ${claim}`);
        assert.match(line.msg, new RegExp(`^token refused: ${claim}: `));
        for (const [field, value] of Object.entries(quoted)) assert.equal(line.refused[field], value, `${claim}: ${field}`);
        // The first at info; the rest within the minute at debug, so that a flood of bad tokens does not flood the log.
        assert.equal(line.level, i === 0 ? 30 : 20, `${claim}: level`);
      }
    } finally {
      await watched.stop(); // and none of the tokens is in its log
    }
  });

  it("refuses a token issued in the future beyond the clock-skew leeway, and accepts one within it", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    const future = await token(keys.ES256, user.userId, { iat: now() + 3600, exp: now() + 7200 });
    assertOutcome(
      await grpcJs(service.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(future) }),
      expected.token,
      "an hour ahead",
    );
    const skewed = await token(keys.ES256, user.userId, { iat: now() + 5 });
    const outcome = await grpcJs(service.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(skewed) });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  });

  it("follows a key rotation within a few seconds, and then refuses the retired key", async () => {
    const user = await service.createUser("Initial-Passw0rd!");
    const retired = keys.ES256;
    const oldToken = bearer(await token(retired, user.userId));
    // The service knows the key set (fetched by the tests above, or now).
    const probe = await restWithHeader(service.address, { oldPassword: "x", newPassword: "", authorization: oldToken });
    assert.equal(probe.ok || probe.code, 3, "the old key works before the rotation");

    const fresh = await issuerKey("ES256");
    jwks.keys = [keys.RS256.publicJwk, fresh.publicJwk, keys.EdDSA.publicJwk];
    const newToken = bearer(await token(fresh, user.userId));
    // Until the cooldown since the last fetch is over the new kid is unknown; then it is fetched.
    const deadline = Date.now() + 20_000;
    let outcome: Outcome;
    for (;;) {
      outcome = await restWithHeader(service.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization: newToken });
      if (outcome.ok || Date.now() > deadline) break;
      assertOutcome(outcome, expected.token, "refused while cooling down");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(outcome.ok && outcome.sequence, "2", JSON.stringify(outcome));

    const again = await grpcJs(service.address, { oldPassword: "New-Passw0rd!", newPassword: "Newer-Passw0rd!", authorization: oldToken });
    assertOutcome(again, expected.token, "the retired key");
    assert.equal((await service.userRow(user.userId)).sequence, 2);
  });
});

describe("an external issuer whose JWKS cannot be had", () => {
  const ISSUER = "https://issuer.example";
  const AUDIENCE = "password-service-api";
  let jwks: JwksServer;
  let flaky: Service;
  let down: Service;
  let key: IssuerKey;
  let userId: string;
  let downUserId: string;

  before(async () => {
    jwks = await JwksServer.start();
    key = await issuerKey("ES256");
    jwks.keys = [key.publicJwk];
    // A port that was just free: nothing listens there.
    const gone = await JwksServer.start();
    const goneUrl = gone.url;
    await gone.close();
    [flaky, down] = await Promise.all([
      Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
      Service.start({ JWKS_URL: goneUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
    ]);
    [userId, downUserId] = (await Promise.all([flaky.createUser("Initial-Passw0rd!"), down.createUser("Initial-Passw0rd!")])).map((u) => u.userId);
  });

  after(async () => {
    await Promise.all([flaky.stop(), down.stop()]);
    await jwks.close();
  });

  const tokenFor = (sub: string) => sign(key.privateKey, { alg: key.alg, kid: key.kid, claims: { iss: ISSUER, aud: AUDIENCE, sub } });

  it("answers 14 Unavailable (REST 503) when nothing listens at JWKS_URL", async () => {
    const authorization = bearer(await tokenFor(downUserId));
    for (const [name, call] of CALLERS) {
      const outcome = await call(down.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization });
      assertOutcome(outcome, expected.unavailable, name);
    }
    assert.equal((await down.userRow(downUserId)).sequence, 1);
  });

  it("reports the issuer on /readyz, and logs its URL and the cause", async () => {
    const down_ = await fetch(`${down.url}/readyz`);
    assert.equal(down_.status, 503);
    assert.deepEqual(await down_.json(), { status: "not ready", reason: "token issuer's keys cannot be fetched" });
    const line = logEntries(down.logs).find((e) => e.msg?.startsWith("cannot fetch the token issuer's keys"));
    assert.ok(line, "a warning was logged");
    assert.match(line.jwksUrl, /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
    assert.equal(line.cause, "ECONNREFUSED");
  });

  it("keeps serving from the last key set it fetched while the issuer is briefly down", async () => {
    const brief = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWKS_REFRESH_MS: "1000" });
    try {
      const user = await brief.createUser("Initial-Passw0rd!");
      const authorization = bearer(await tokenFor(user.userId));
      const first = await grpcJs(brief.address, { oldPassword: "Initial-Passw0rd!", newPassword: "Second-Passw0rd!", authorization });
      assert.equal(first.ok, true, JSON.stringify(first));
      jwks.mode = "503";
      await new Promise((resolve) => setTimeout(resolve, 1500)); // past the refresh time
      const before = jwks.requests;
      const second = await grpcJs(brief.address, { oldPassword: "Second-Passw0rd!", newPassword: "Third-Passw0rd!", authorization });
      assert.equal(second.ok, true, JSON.stringify(second));
      // The refresh runs beside the request, which did not wait for it.
      if (jwks.requests === before) await once(jwks, "request", { signal: AbortSignal.timeout(2000) }).catch(() => {});
      assert.ok(jwks.requests > before, "it did try to refresh");
      assert.equal((await fetch(`${brief.url}/readyz`)).status, 200);
      brief.secrets.push("Second-Passw0rd!", "Third-Passw0rd!");
    } finally {
      jwks.mode = "ok";
      await brief.stop();
    }
  });

  it("answers 14 when the JWKS endpoint fails, and recovers when it is back", async () => {
    const authorization = bearer(await tokenFor(userId));
    for (const mode of ["503", "html", "not-a-set", "hang-up"] as const) {
      jwks.mode = mode;
      const before = jwks.requests;
      for (const [name, call] of CALLERS) {
        const outcome = await call(flaky.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization });
        assertOutcome(outcome, expected.unavailable, `${mode} over ${name}`);
      }
      assert.ok(jwks.requests > before, "the service did ask");
    }
    jwks.mode = "ok";
    const outcome = await grpcJs(flaky.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization });
    assert.equal(outcome.ok && outcome.sequence, "2", JSON.stringify(outcome));
  });

  it("gives up a fetch that is never answered after JWKS_TIMEOUT_MS: 14, and the log names the time allowed", async () => {
    jwks.mode = "silent";
    const quick = await Service.start({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWKS_TIMEOUT_MS: "300" });
    try {
      const user = await quick.createUser("Initial-Passw0rd!");
      const authorization = bearer(await tokenFor(user.userId));
      const outcome = await grpcJs(quick.address, { oldPassword: "Initial-Passw0rd!", newPassword: "New-Passw0rd!", authorization });
      assertOutcome(outcome, expected.unavailable, "a key set that never comes");
      const warned = await quick.logEntry((entry) => String(entry.msg).startsWith("cannot fetch the token issuer's keys"));
      assert.equal(warned?.cause, "no answer within 300 ms", JSON.stringify(warned));
    } finally {
      jwks.mode = "ok";
      await quick.stop();
    }
  });
});

describe("checked tokens kept in memory (TOKEN_CACHE_SIZE)", () => {
  /** An Authenticator whose key lookup counts the signature checks. */
  async function counting(size: number) {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    let checks = 0;
    let keySet = {};
    const getKey: JWTVerifyGetKey = async () => {
      checks++;
      return publicKey;
    };
    const claims = { subjectClaim: "sub", rolesClaim: "roles" };
    const auth = new Authenticator(
      getKey,
      { issuer: SELF, audience: SELF, algorithms: ["ES256"] },
      claims,
      new VerifiedTokens(size),
      () => keySet,
      pino({ level: "silent" }),
    );
    return {
      header: async (sub: string) => bearer(await sign(privateKey, { alg: "ES256", claims: { sub } })),
      check: (header: string) => auth.authenticate(header),
      checks: () => checks,
      rotate: () => (keySet = {}),
    };
  }

  it("checks a token's signature once, and again under a new key set", async () => {
    const t = await counting(10);
    const header = await t.header("111");
    for (let i = 0; i < 3; i++) assert.equal((await t.check(header)).userId, "111");
    assert.equal(t.checks(), 1);
    t.rotate();
    await t.check(header);
    assert.equal(t.checks(), 2, "checked again under the new key set");
  });

  it("keeps at most its size, the least recently used going first; size 0 keeps none", async () => {
    const t = await counting(2);
    const [a, b, c] = await Promise.all(["1", "2", "3"].map(t.header));
    await t.check(a);
    await t.check(b);
    await t.check(a); // now b is the least recently used
    await t.check(c); // b goes
    assert.equal(t.checks(), 3);
    await t.check(a);
    await t.check(c);
    assert.equal(t.checks(), 3, "a and c were kept");
    await t.check(b);
    assert.equal(t.checks(), 4, "b was not");

    const none = await counting(0);
    const header = await none.header("1");
    await none.check(header);
    await none.check(header);
    assert.equal(none.checks(), 2);
  });

  it("never keeps a refused token, and refuses one that is not a compact JWS before checking it", async () => {
    const t = await counting(10);
    const wrongAudience = bearer(await sign((await generateKeyPair("ES256")).privateKey, { alg: "ES256", claims: { sub: "1", aud: "other" } }));
    for (let i = 0; i < 2; i++) await assert.rejects(t.check(wrongAudience), /Token is invalid/);
    assert.equal(t.checks(), 2);
    for (const token of ["not-a-token", "a.b", "a.b.c.d", "a.b!.c"]) await assert.rejects(t.check(`Bearer ${token}`), /Token is invalid/);
    assert.equal(t.checks(), 2);
  });

  it("refuses a kept token once it has expired, as jose would", async () => {
    const service = await Service.start();
    try {
      const user = await service.createUser("Initial-Passw0rd!");
      const key = (await importJWK((await service.database.signingKey()).privateJwk, "ES256")) as CryptoKey;
      // Expired 8 s ago: within the 10 s clock tolerance for the rest of this second and the next.
      const issuedAt = now();
      const authorization = bearer(await sign(key, { alg: "ES256", claims: { sub: user.userId, iat: issuedAt - 60, exp: issuedAt - 8 } }));
      const call = () => restWithHeader(service.address, { oldPassword: "Initial-Passw0rd!", newPassword: "", authorization });
      const accepted = await call();
      assert.equal(!accepted.ok && accepted.code, 3, "accepted: the empty new password is refused");
      await new Promise((resolve) => setTimeout(resolve, (issuedAt + 2) * 1000 - Date.now() + 50));
      assertOutcome(await call(), expected.token, "expired since it was kept");
    } finally {
      await service.stop();
    }
  });
});
