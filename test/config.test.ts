import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.js";
import { withConfigurationTable } from "../src/config/describe.js";
import { SETTINGS } from "../src/config/settings.js";
import { ROOT } from "./support/root.js";

describe("configuration of revocation, policies and the breached check", () => {
  it("has defaults", () => {
    const { config } = loadConfig({});
    assert.equal(config.tokenRevocation, "others");
    assert.equal(config.policyCacheMs, 2000);
    assert.equal(config.breached.url.href, "https://api.pwnedpasswords.com/");
    assert.equal(config.breached.timeoutMs, 2000);
    assert.deepEqual(config.validateRate, { perMinute: 60, burst: 20 });
    assert.equal(config.rateLimitMaxTracked, 10_000);
    assert.equal(loadConfig({ RATE_LIMIT_MAX_TRACKED: "100" }).config.rateLimitMaxTracked, 100);
    assert.equal(config.auth.rolesClaim, "urn:zitadel:iam:org:project:roles");
    assert.equal(loadConfig({ JWT_ROLES_CLAIM: "roles" }).config.auth.rolesClaim, "roles");
  });

  it("refuses bad values with one clear message", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ TOKEN_REVOCATION: "some" }, /TOKEN_REVOCATION must be one of others, all, none, not "some"/],
      [{ BREACHED_API_URL: "not a url" }, /BREACHED_API_URL is not a URL/],
      [{ BREACHED_API_URL: "ftp://example.com" }, /BREACHED_API_URL must be an http\(s\) URL/],
      [{ BREACHED_TIMEOUT_MS: "50" }, /BREACHED_TIMEOUT_MS must be a whole number from 100 to 10000/],
      [{ POLICY_CACHE_MS: "-1" }, /POLICY_CACHE_MS must be a whole number from 0 to 10000/],
      [{ VALIDATE_BURST: "0" }, /VALIDATE_BURST must be a whole number from 1 to 100000/],
      [{ VALIDATE_RATE_PER_MINUTE: "fast" }, /VALIDATE_RATE_PER_MINUTE must be a whole number from 1 to 100000/],
      [{ RATE_LIMIT_MAX_TRACKED: "99" }, /^RATE_LIMIT_MAX_TRACKED must be a whole number from 100 to 1000000, not "99"$/],
      [{ RATE_LIMIT_MAX_TRACKED: "1e6" }, /^RATE_LIMIT_MAX_TRACKED must be a whole number from 100 to 1000000, not "1e6"$/],
    ];
    for (const [env, message] of bad)
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      );
  });
});

describe("configuration of operations", () => {
  it("has the documented defaults", () => {
    const { config } = loadConfig({});
    assert.equal(config.metricsPort, 9464);
    assert.deepEqual(config.corsAllowedOrigins, []);
    assert.equal(config.webUi, true, "on while the service issues its own tokens");
    assert.equal(config.logFormat, "json");
    assert.equal(loadConfig({}, true).config.logFormat, "pretty", "pretty at a terminal");
  });

  it("turns the page off with an external token issuer, unless asked for", () => {
    const jwks = { JWKS_URL: "https://idp.example/jwks", JWT_ISSUER: "i", JWT_AUDIENCE: "a" };
    assert.equal(loadConfig(jwks).config.webUi, false);
    assert.equal(loadConfig({ ...jwks, WEB_UI: "true" }).config.webUi, true);
    assert.equal(loadConfig({ WEB_UI: "false" }).config.webUi, false);
  });

  it("makes the page's reset form the default reset link once PUBLIC_URL is set, and keeps an operator's own", () => {
    assert.equal(loadConfig({}).config.reset.urlTemplate, undefined, "no public URL: no link is made up from a request's Host");
    const page = loadConfig({ PUBLIC_URL: "https://id.example.com/pw" }).config;
    assert.equal(page.publicUrl?.href, "https://id.example.com/pw/");
    assert.equal(page.reset.urlTemplate, "https://id.example.com/pw/account/reset?user={{.UserID}}&code={{.Code}}");
    assert.equal(loadConfig({ PUBLIC_URL: "https://id.example.com", WEB_UI: "false" }).config.reset.urlTemplate, undefined, "no page, no page link");
    const own = "https://login.example.com/r?c={{.Code}}";
    assert.equal(loadConfig({ PUBLIC_URL: "https://id.example.com", RESET_URL_TEMPLATE: own }).config.reset.urlTemplate, own);
  });

  it("has the page's documented limits, each a setting", () => {
    const { page } = loadConfig({}).config;
    assert.deepEqual(page, { sessionTtlSeconds: 3600, forgotRate: { perName: { perHour: 5, burst: 3 }, perAddress: { perHour: 60, burst: 10 } } });
    const set = loadConfig({
      WEB_UI_SESSION_TTL: "15m",
      FORGOT_NAME_RATE_PER_HOUR: "2",
      FORGOT_NAME_BURST: "1",
      FORGOT_ADDRESS_RATE_PER_HOUR: "20",
      FORGOT_ADDRESS_BURST: "4",
    });
    assert.deepEqual(set.config.page, { sessionTtlSeconds: 900, forgotRate: { perName: { perHour: 2, burst: 1 }, perAddress: { perHour: 20, burst: 4 } } });
  });

  it("reads the allowed origins", () => {
    assert.deepEqual(loadConfig({ CORS_ALLOWED_ORIGINS: "https://a.example, http://localhost:3000" }).config.corsAllowedOrigins, [
      "https://a.example",
      "http://localhost:3000",
    ]);
    assert.equal(loadConfig({ CORS_ALLOWED_ORIGINS: "*" }).config.corsAllowedOrigins, "*");
    assert.equal(loadConfig({ METRICS_PORT: "0" }).config.metricsPort, 0);
  });

  it("names the variable and the mistake", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ METRICS_PORT: "metrics" }, /^METRICS_PORT must be a whole number from 0 to 65535/],
      [{ CORS_ALLOWED_ORIGINS: "https://a.example/path" }, /^CORS_ALLOWED_ORIGINS: "https:\/\/a.example\/path" is not an origin/],
      [{ CORS_ALLOWED_ORIGINS: "a.example" }, /is not an origin/],
      [{ CORS_ALLOWED_ORIGINS: "*,https://a.example" }, /"\*" allows every origin and stands alone/],
      [{ WEB_UI: "yes" }, /^WEB_UI must be true or false, not "yes"/],
      [{ PUBLIC_URL: "id.example.com" }, /^PUBLIC_URL is not a URL/],
      [{ PUBLIC_URL: "ftp://id.example.com" }, /^PUBLIC_URL must be an http\(s\) URL/],
      [{ PUBLIC_URL: "https://id.example.com/?next=x" }, /^PUBLIC_URL must be a base URL with no query/],
      [{ PUBLIC_URL: `https://id.example.com/${"x".repeat(200)}` }, /^the reset link made from PUBLIC_URL is invalid: longer than 200/],
      [{ FORGOT_NAME_BURST: "0" }, /^FORGOT_NAME_BURST must be a whole number from 1 to 1000/],
      [{ WEB_UI_SESSION_TTL: "forever" }, /^WEB_UI_SESSION_TTL must be a duration/],
      [{ LOG_FORMAT: "xml" }, /^LOG_FORMAT must be one of json, pretty, not "xml"/],
    ];
    for (const [env, message] of cases)
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      );
  });
});

describe("configuration of an external issuer", () => {
  const base = { JWT_ISSUER: "i", JWT_AUDIENCE: "a" };

  it("refuses a plain-http JWKS_URL off this machine unless JWKS_ALLOW_HTTP=true", () => {
    assert.throws(() => loadConfig({ ...base, JWKS_URL: "http://idp.example/jwks" }), /JWKS_URL must be https unless/);
    assert.equal(loadConfig({ ...base, JWKS_URL: "http://idp.example/jwks", JWKS_ALLOW_HTTP: "true" }).config.auth.mode, "jwks");
    for (const host of ["127.0.0.1:8081", "localhost", "[::1]:9000"]) {
      assert.equal(loadConfig({ ...base, JWKS_URL: `http://${host}/jwks` }).config.auth.mode, "jwks", host);
    }
  });

  it("takes roles only from a claim the operator names: JWT_PROJECT_ID's, or JWT_ROLES_CLAIM", () => {
    const jwks = { ...base, JWKS_URL: "https://idp.example/jwks" };
    const rolesClaim = (env: Record<string, string>) => loadConfig(env).config.auth.rolesClaim;
    assert.equal(rolesClaim(jwks), undefined, "no roles by default");
    assert.equal(rolesClaim({ ...jwks, JWT_PROJECT_ID: "287593748912455693" }), "urn:zitadel:iam:org:project:287593748912455693:roles");
    assert.equal(rolesClaim({ ...jwks, JWT_ROLES_CLAIM: "roles" }), "roles");
    assert.equal(rolesClaim({}), "urn:zitadel:iam:org:project:roles", "the service's own tokens keep theirs");
    assert.equal(rolesClaim({ JWT_PROJECT_ID: "42" }), "urn:zitadel:iam:org:project:42:roles");
    const generic = loadConfig({ ...jwks, JWT_ROLES_CLAIM: "urn:zitadel:iam:org:project:roles" });
    assert.match(generic.warnings.join("\n"), /takes roles from any project .* set JWT_PROJECT_ID/);
    assert.throws(() => loadConfig({ ...jwks, JWT_PROJECT_ID: "1", JWT_ROLES_CLAIM: "roles" }), /JWT_PROJECT_ID and JWT_ROLES_CLAIM both name the claim/);
    assert.throws(() => loadConfig({ ...jwks, JWT_PROJECT_ID: "1:roles x" }), /JWT_PROJECT_ID must be a project ID/);
  });

  it("keeps keys for 5 minutes and through 10 minutes of outage by default", () => {
    const { auth } = loadConfig({ ...base, JWKS_URL: "https://idp.example/jwks" }).config;
    assert.ok(auth.mode === "jwks");
    assert.deepEqual(auth.jwks, { refreshMs: 300_000, maxStaleMs: 600_000, timeoutMs: 5000 });
  });
});

describe("configuration of the page's sign-in at an outside issuer", () => {
  const page = {
    JWKS_URL: "https://idp.example/jwks",
    JWT_ISSUER: "https://idp.example",
    JWT_AUDIENCE: "a",
    WEB_UI: "true",
    PUBLIC_URL: "https://id.example.com/pw",
  };
  const oidc = { ...page, OIDC_ISSUER: "https://idp.example", OIDC_CLIENT_ID: "page" };

  it("is off unless OIDC_ISSUER is set", () => {
    assert.equal(loadConfig(page).config.oidc, undefined);
  });

  it("has the documented defaults: a public client with PKCE, openid, 10 minutes to come back, the redirect URI under PUBLIC_URL", () => {
    const { config } = loadConfig(oidc);
    assert.deepEqual(config.oidc, {
      issuer: new URL("https://idp.example"),
      clientId: "page",
      redirectUri: new URL("https://id.example.com/pw/account/oidc/callback"),
      clientSecret: undefined,
      scopes: "openid",
      signInTtlSeconds: 600,
      allowHttp: false,
      timeoutMs: 5000,
    });
    const set = loadConfig({ ...oidc, OIDC_CLIENT_SECRET: "s3cret-of-the-client", OIDC_SCOPES: " openid  profile ", OIDC_SIGN_IN_TTL: "5m" }).config.oidc!;
    assert.deepEqual([set.clientSecret, set.scopes, set.signInTtlSeconds], ["s3cret-of-the-client", "openid profile", 300]);
    assert.equal(loadConfig({ ...oidc, OIDC_TIMEOUT_MS: "250" }).config.oidc!.timeoutMs, 250);
    assert.equal(loadConfig({ ...oidc, OIDC_ISSUER: "http://127.0.0.1:9000" }).config.oidc!.allowHttp, true, "plain http on loopback");
  });

  it("refuses what cannot work, in one line that never quotes the client secret", () => {
    const secret = { OIDC_CLIENT_SECRET: "s3cret-of-the-client" };
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...page, OIDC_CLIENT_ID: "page" }, /^OIDC_CLIENT_ID needs OIDC_ISSUER/],
      [{ ...page, ...secret }, /^OIDC_CLIENT_SECRET needs OIDC_ISSUER/],
      [{ ...oidc, OIDC_ISSUER: "idp.example" }, /^OIDC_ISSUER is not a URL/],
      [{ ...oidc, OIDC_ISSUER: "http://idp.example" }, /^OIDC_ISSUER must be https unless it is on this machine/],
      [{ ...oidc, OIDC_ISSUER: "https://idp.example/?tenant=1" }, /^OIDC_ISSUER must be an issuer URL with no query/],
      [{ ...oidc, ...secret, OIDC_CLIENT_ID: "" }, /^OIDC_ISSUER needs OIDC_CLIENT_ID/],
      [{ ...oidc, ...secret, JWKS_URL: "", JWT_ISSUER: "", JWT_AUDIENCE: "" }, /^OIDC_ISSUER needs JWKS_URL/],
      [{ ...oidc, ...secret, WEB_UI: "false" }, /^OIDC_ISSUER signs in on the account page: it needs WEB_UI=true/],
      [{ ...oidc, ...secret, WEB_UI: "" }, /^OIDC_ISSUER signs in on the account page: it needs WEB_UI=true/],
      [{ ...oidc, ...secret, PUBLIC_URL: "" }, /^OIDC_ISSUER needs PUBLIC_URL: the redirect URI/],
      [{ ...oidc, ...secret, OIDC_SCOPES: "profile email" }, /^OIDC_SCOPES must include openid/],
      [{ ...oidc, ...secret, OIDC_SCOPES: 'openid "x"' }, /^OIDC_SCOPES must be scopes separated by spaces, not ""x""/],
      [{ ...oidc, ...secret, OIDC_SIGN_IN_TTL: "0s" }, /^OIDC_SIGN_IN_TTL must be a duration/],
      [{ ...page, OIDC_TIMEOUT_MS: "1000" }, /^OIDC_TIMEOUT_MS needs OIDC_ISSUER/],
      [{ ...oidc, ...secret, OIDC_TIMEOUT_MS: "99" }, /^OIDC_TIMEOUT_MS must be a whole number from 100 to 60000, not "99"$/],
      [{ ...oidc, ...secret, OIDC_TIMEOUT_MS: "60001" }, /^OIDC_TIMEOUT_MS must be a whole number from 100 to 60000, not "60001"$/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message) && !err.message.includes("s3cret") && !err.message.includes("\n"),
        JSON.stringify(env),
      );
    }
  });
});

describe("configuration of resets and mail", () => {
  it("has the documented defaults: no mail without SMTP_URL, notices on with it", () => {
    const { config } = loadConfig({});
    assert.equal(config.mail, undefined);
    assert.deepEqual(config.reset, { codeTtlSeconds: 3600, codeLength: 6, urlTemplate: undefined, rate: { perHour: 10, burst: 3 } });
    const mail = loadConfig({ SMTP_URL: "smtp://user:secret@mail.example.com:587" }).config.mail!;
    assert.deepEqual(
      { ...mail, smtpUrl: undefined },
      {
        smtpUrl: undefined,
        from: "password-service@localhost",
        notifyPasswordChanged: true,
        giveUpAfterSeconds: 86400,
        maxRetryIntervalSeconds: 600,
        pollMs: 2000,
      },
    );
    assert.equal(loadConfig({ SMTP_URL: "smtps://mail.example.com", NOTIFY_PASSWORD_CHANGED: "false" }).config.mail!.notifyPasswordChanged, false);
    assert.equal(
      loadConfig({ RESET_URL_TEMPLATE: "https://login.example.com/r?c={{.Code}}" }).config.reset.urlTemplate,
      "https://login.example.com/r?c={{.Code}}",
    );
  });

  it("refuses bad values with one clear message that never quotes the SMTP password", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ SMTP_URL: "http://user:hunter22@mail.example.com" }, /SMTP_URL must be smtp:\/\/ or smtps:\/\/, not "http:\/\/"/],
      [{ SMTP_URL: "user:hunter22@mail" }, /SMTP_URL is not a URL such as smtp:\/\/user:password@mail\.example\.com:587/],
      [{ SMTP_URL: "smtp://mail.example.com", SMTP_FROM: "not an address" }, /SMTP_FROM must be an address/],
      [{ NOTIFY_PASSWORD_CHANGED: "true" }, /NOTIFY_PASSWORD_CHANGED=true needs SMTP_URL/],
      [{ RESET_URL_TEMPLATE: "https://x.example/{{.Password}}" }, /RESET_URL_TEMPLATE is invalid: \{\{\.Password\}\} is not one of/],
      // The URL parser strips CR and LF and passes spaces; the mail quotes the template as written.
      [{ RESET_URL_TEMPLATE: "https://x.example/r?c={{.Code}}\r\n\r\nCall +1 555 0100" }, /RESET_URL_TEMPLATE is invalid: a space or control character/],
      [{ RESET_URL_TEMPLATE: "https://x.example/r?c={{.Code}} now" }, /RESET_URL_TEMPLATE is invalid: a space or control character/],
      [{ RESET_CODE_TTL: "forever" }, /RESET_CODE_TTL must be a duration/],
      [{ RESET_CODE_LENGTH: "4" }, /RESET_CODE_LENGTH must be a whole number from 6 to 20/],
      [{ RESET_BURST: "0" }, /RESET_BURST must be a whole number from 1 to 1000/],
      [{ SMTP_URL: "smtp://m.example", MAIL_GIVE_UP_AFTER: "0s" }, /MAIL_GIVE_UP_AFTER must be a duration/],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message) && !err.message.includes("hunter22"),
        JSON.stringify(env),
      );
    }
  });
});

describe("the documentation of the configuration", () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

  it("is what `npm run docs:config` writes from the table", () => {
    const document = read("docs/configuration.md");
    assert.equal(withConfigurationTable(document), document, "docs/configuration.md is stale: run `npm run docs:config` and commit it");
  });

  it("gives every variable a default, what it accepts and a meaning", () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      assert.ok(setting.default && setting.accepts && setting.doc, name);
    }
  });

  it("names, in the README, a few variables with the table's defaults", () => {
    const readme = read("README.md");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## ", readme.indexOf("## Configuration") + 3));
    const rows = table.split("\n").filter((line) => line.startsWith("| `"));
    assert.ok(rows.length >= 5 && rows.length < Object.keys(SETTINGS).length / 2, `${rows.length} rows`);
    for (const row of rows) {
      const [names, fallback] = row.split(" | ").map((cell) => cell.replace(/^\| /, ""));
      for (const name of names.replaceAll("`", "").split(", ")) {
        assert.equal(fallback, SETTINGS[name as keyof typeof SETTINGS]?.default, `README.md: ${name}`);
      }
    }
    assert.match(table, /\(docs\/configuration\.md\)/);
  });
});
