import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Service } from "./support/service.js";

const APP = "https://app.example.com";
const RPC = "/zitadel.auth.v1.AuthService/UpdateMyPassword";

function preflight(service: Service, origin: string, headers = "content-type,x-grpc-web,x-user-agent,authorization") {
  return fetch(`${service.url}${RPC}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
  });
}

describe("CORS with CORS_ALLOWED_ORIGINS", () => {
  let service: Service;
  before(async () => {
    service = await Service.start({ CORS_ALLOWED_ORIGINS: `${APP}, http://localhost:3000` });
  });
  after(() => service.stop());

  it("answers a preflight from an allowed origin with what gRPC-Web, Connect and REST clients send", async () => {
    const res = await preflight(service, APP);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), APP);
    const methods = res.headers.get("access-control-allow-methods")!.split(/,\s*/);
    assert.deepEqual(methods.sort(), ["GET", "POST", "PUT"]);
    const allowed = res.headers.get("access-control-allow-headers")!.toLowerCase().split(/,\s*/);
    for (const header of [
      "content-type",
      "x-grpc-web",
      "x-user-agent",
      "grpc-timeout",
      "connect-protocol-version",
      "connect-timeout-ms",
      "authorization",
      "x-request-id",
    ]) {
      assert.ok(allowed.includes(header), header);
    }
    assert.equal(res.headers.get("vary"), "Origin");
  });

  it("exposes gRPC-Web's status headers on the actual response", async () => {
    const res = await fetch(`${service.url}${RPC}`, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    assert.equal(res.headers.get("access-control-allow-origin"), APP);
    const exposed = res.headers.get("access-control-expose-headers")!.toLowerCase().split(/,\s*/);
    for (const header of ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-request-id"]) assert.ok(exposed.includes(header), header);
  });

  it("refuses a preflight from another origin and gives its requests no CORS headers", async () => {
    const res = await preflight(service, "https://evil.example");
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    const actual = await fetch(`${service.url}/healthz`, { headers: { origin: "https://evil.example" } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers.get("access-control-allow-origin"), null);
  });
});

describe("CORS defaults", () => {
  it("allows no origin when CORS_ALLOWED_ORIGINS is unset", async () => {
    const service = await Service.start();
    try {
      const res = await preflight(service, APP);
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    } finally {
      await service.stop();
    }
  });

  it("allows any origin with *", async () => {
    const service = await Service.start({ CORS_ALLOWED_ORIGINS: "*" });
    try {
      const res = await preflight(service, "https://anywhere.example");
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
    } finally {
      await service.stop();
    }
  });
});
