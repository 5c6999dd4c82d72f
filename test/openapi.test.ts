import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { OPENAPI_DOCUMENT } from "../src/api/openapi.js";
import { bearer, rest } from "./support/clients.js";
import { assertRestResponseMatchesOpenApi } from "./support/openapi.js";
import { Service } from "./support/service.js";

describe("OpenAPI", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  it("serves an OpenAPI 3.1 document at /openapi.json that a validator accepts", async () => {
    const res = await fetch(`${service.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const document = await res.json();
    assert.deepEqual(document, JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, "3.1");
  });

  it("carries ZITADEL's marks on SetPassword's fields: maxLength 200 on the passwords, newPassword and its password required", async () => {
    const { SetPasswordRequest } = (await (await fetch(`${service.url}/openapi.json`)).json()).components.schemas;
    assert.equal(SetPasswordRequest.properties.newPassword.properties.password.maxLength, 200);
    assert.equal(SetPasswordRequest.properties.currentPassword.maxLength, 200);
    assert.deepEqual(SetPasswordRequest.required, ["newPassword"]);
    assert.deepEqual(SetPasswordRequest.properties.newPassword.required, ["password"]);
  });

  it("describes the REST route's real answers (every REST test checks its own the same way)", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    // rest() validates each answer against the document; these cover success, 400 with each detail, and 401.
    assert.equal((await rest(service.address, { oldPassword: "Old-Passw0rd!", newPassword: "New-Passw0rd!", authorization: bearer(user.token) })).ok, true);
    assert.equal((await rest(service.address, { oldPassword: "wrong", newPassword: "New-Passw0rd!2", authorization: bearer(user.token) })).ok, false);
    assert.equal((await rest(service.address, { oldPassword: "New-Passw0rd!", newPassword: "short", authorization: bearer(user.token) })).ok, false);
    assert.equal((await rest(service.address, { oldPassword: "a", newPassword: "b" })).ok, false);
  });

  it("catches an answer the document does not describe", () => {
    assert.throws(() => assertRestResponseMatchesOpenApi(200, "application/json", { details: { sequence: 2 } }), /does not match/);
    assert.throws(() => assertRestResponseMatchesOpenApi(418, "application/json", {}), /does not describe/);
    assert.throws(() => assertRestResponseMatchesOpenApi(400, "application/json", { code: 3, message: "x", details: [{ id: "x" }] }), /does not match/);
  });
});
