import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration of revocation, policies and the breached check", () => {
  it("has defaults", () => {
    const { config } = loadConfig({});
    assert.equal(config.tokenRevocation, "others");
    assert.equal(config.policyCacheMs, 2000);
    assert.equal(config.breached.url.href, "https://api.pwnedpasswords.com/");
    assert.equal(config.breached.timeoutMs, 2000);
  });

  it("refuses bad values with one clear message", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ TOKEN_REVOCATION: "some" }, /TOKEN_REVOCATION must be one of others, all, none, not "some"/],
      [{ BREACHED_API_URL: "not a url" }, /BREACHED_API_URL is not a URL/],
      [{ BREACHED_API_URL: "ftp://example.com" }, /BREACHED_API_URL must be an http\(s\) URL/],
      [{ BREACHED_TIMEOUT_MS: "50" }, /BREACHED_TIMEOUT_MS must be a whole number from 100 to 10000/],
      [{ POLICY_CACHE_MS: "-1" }, /POLICY_CACHE_MS must be a whole number from 0 to 10000/],
    ];
    for (const [env, message] of bad) assert.throws(() => loadConfig(env), (err: Error) => err instanceof ConfigError && message.test(err.message));
  });
});
