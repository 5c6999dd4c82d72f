import { execFile } from "node:child_process";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import http from "node:http";
import { after, afterEach, before, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Client as GrpcClient, credentials, Metadata, type ServiceError as GrpcError } from "@grpc/grpc-js";
import bcrypt from "bcrypt";
import { UpdateMyPasswordRequestSchema, UpdateMyPasswordResponseSchema } from "../gen/zitadel/auth_pb.js";
import { bearer, type Caller, connectJson, grpcFrame, grpcJs, grpcWeb, type Outcome, ownApiGrpc, rest, restRequest } from "./support/clients.js";
import { h2, http1, type RawResponse } from "./support/raw-http.js";
import { Service, type TestUser } from "./support/service.js";

// connect-node's HTTP/1.1 transports use Node's global agent, whose kept-alive
// connections race the server's 5 s idle timeout when the machine is loaded
// (ECONNRESET, which connect reports as 10 Aborted): one connection per call.
http.globalAgent = new http.Agent({ keepAlive: false });

const PATH = "/zitadel.auth.v1.AuthService/UpdateMyPassword";
const MAX_BODY_BYTES = 64 * 1024;

/** A password of exactly `bytes` UTF-8 bytes that meets the default complexity policy. */
function passwordOf(bytes: number, filler = "x"): string {
  const base = "Aa1!";
  const unit = Buffer.byteLength(filler);
  const pw = base + filler.repeat(Math.floor((bytes - base.length) / unit)) + "y".repeat((bytes - base.length) % unit);
  assert.equal(Buffer.byteLength(pw), bytes);
  return pw;
}

/** grpc-js with the raw bytes of the message we choose, to any method. */
function grpcJsRaw(address: string, method: string, message: Buffer, authorization: string): Promise<GrpcError | undefined> {
  return new Promise((resolve) => {
    const client = new GrpcClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set("authorization", authorization);
    client.makeUnaryRequest(
      method,
      (b: Buffer) => b,
      (b: Buffer) => fromBinary(UpdateMyPasswordResponseSchema, b),
      message,
      metadata,
      (err) => {
        client.close();
        resolve(err ?? undefined);
      },
    );
  });
}

/** The google.rpc.Status JSON of the REST route, with no details (request validation, HTTP errors). */
function assertRestError(res: { status: number; json: unknown }, status: number, code: number, message?: string | RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.json));
  const json = res.json as { code: number; message: string; details: unknown[] };
  assert.deepEqual(Object.keys(json), ["code", "message", "details"]);
  assert.equal(json.code, code);
  assert.equal(typeof json.message, "string");
  assert.ok(json.message.length > 0);
  if (typeof message === "string") assert.equal(json.message, message);
  else if (message) assert.match(json.message, message);
  assert.deepEqual(json.details, []);
}

function jsonOf(res: RawResponse): { status: number; json: unknown } {
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) };
}

describe("hostile input", () => {
  let service: Service;
  /** The user every refused request targets: its row must never change. */
  let victim: TestUser;
  let before_: Awaited<ReturnType<Service["userRow"]>>;
  /** Users for the requests that are meant to succeed, one each. */
  const users = new Map<string, TestUser>();
  const auth = () => bearer(victim.token);

  const LONG_OLD = [71, 72, 73, 100];
  const NON_ASCII = "Pässwörd-1ü€";

  before(async () => {
    service = await Service.start();
    const wanted: [string, string][] = [
      ["victim", "Victim-Passw0rd!"],
      ["unknown-fields", "Initial-Passw0rd!"],
      ["snake", "Initial-Passw0rd!"],
      ["charset", "Initial-Passw0rd!"],
      ["72-ascii", "Initial-Passw0rd!"],
      ["72-multibyte", "Initial-Passw0rd!"],
      ["non-ascii", NON_ASCII],
      ...LONG_OLD.map((n): [string, string] => [`old-${n}`, passwordOf(n)]),
    ];
    const created = await Promise.all(wanted.map(([, pw]) => service.createUser(pw)));
    for (const [i, [name]] of wanted.entries()) users.set(name, created[i]);
    victim = users.get("victim")!;
    before_ = await service.userRow(victim.userId);
  });

  after(() => service.stop());

  afterEach(async () => {
    // The process survived, and still answers: an anonymous call gets its 401.
    assert.ok(service.serving, `server stopped:\n${service.logs.join("\n")}`);
    const res = await restRequest(service.address, { body: "{}" });
    assert.equal(res.status, 401);
    // And the victim is as it was.
    const now = await service.userRow(victim.userId);
    assert.equal(now.password_hash, before_.password_hash);
    assert.equal(now.sequence, before_.sequence);
    assert.equal(now.failed_attempts, 0);
  });

  after(() => {
    // Nothing reached the "unexpected error" path.
    const errorsLogged = service.logs.filter((l) => /"level":(50|60)/.test(l));
    assert.deepEqual(errorsLogged, []);
  });

  describe("REST", () => {
    it("refuses malformed JSON and JSON that is not an object with 400", async () => {
      const bodies = [
        "{",
        '{"oldPassword":',
        "{'oldPassword':'a'}",
        '{"oldPassword":"a"} trailing',
        "undefined",
        "[]",
        '["a","b"]',
        '"a string"',
        "null",
        "42",
        "true",
      ];
      for (const body of bodies) {
        const res = await restRequest(service.address, { body, authorization: auth() });
        assertRestError(res, 400, 3, /^request body (is not valid JSON in UTF-8|must be a JSON object)$/);
      }
    });

    it("refuses the wrong type in a password field with 400, without quoting it", async () => {
      for (const field of ["oldPassword", "newPassword", "old_password", "new_password"]) {
        for (const value of [42, { secret: "Victim-Passw0rd!" }, ["Victim-Passw0rd!"], true]) {
          const body = JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!", [field]: value });
          const res = await restRequest(service.address, { body, authorization: auth() });
          assertRestError(res, 400, 3, `invalid UpdateMyPasswordRequest: field "${field}" must be a string`);
        }
      }
    });

    it("refuses both spellings of one field, and a lone surrogate, with 400 (crashed the process before)", async () => {
      const bodies = [
        JSON.stringify({ oldPassword: victim.password, old_password: victim.password, newPassword: "New-Passw0rd!" }),
        JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!", new_password: "Other-Passw0rd!" }),
        `{"oldPassword":${JSON.stringify(victim.password)},"newPassword":"New-Passw0rd!\\ud800"}`,
      ];
      for (const body of bodies) {
        const res = await restRequest(service.address, { body, authorization: auth() });
        assertRestError(res, 400, 3, "request body is not a valid UpdateMyPasswordRequest");
      }
    });

    it("refuses an empty body with 400", async () => {
      const res = await restRequest(service.address, { body: "", authorization: auth() });
      assertRestError(res, 400, 3, "request body is not valid JSON in UTF-8");
      const none = jsonOf(await http1(service.port, { headers: { authorization: auth(), "content-type": "application/json" } }));
      assertRestError(none, 400, 3, "request body is not valid JSON in UTF-8");
    });

    it("refuses invalid UTF-8 in the body with 400", async () => {
      const prefix = Buffer.from(`{"oldPassword":${JSON.stringify(victim.password)},"newPassword":"New-Passw0rd!`);
      const suffix = Buffer.from('"}');
      for (const bad of [[0xff], [0xc0, 0xaf] /* overlong "/" */, [0xed, 0xa0, 0x80] /* a surrogate */, [0xe2, 0x82]]) {
        const body = Buffer.concat([prefix, Buffer.from(bad), suffix]);
        const res = await restRequest(service.address, { body, authorization: auth() });
        assertRestError(res, 400, 3, "request body is not valid JSON in UTF-8");
      }
    });

    it("reads a body of exactly MAX_BODY_BYTES, and refuses one byte more with 413 (content-length)", async () => {
      const json = JSON.stringify({ oldPassword: "", newPassword: "New-Passw0rd!" });
      const atMax = json + " ".repeat(MAX_BODY_BYTES - json.length);
      const read = await restRequest(service.address, { body: atMax, authorization: auth() });
      assertRestError(read, 400, 3, "invalid UpdateMyPasswordRequest.OldPassword: value length must be at least 1 runes");

      const over = await restRequest(service.address, { body: `${atMax} `, authorization: auth() });
      assertRestError(over, 413, 8, `request body is larger than ${MAX_BODY_BYTES} bytes`);
      // Far over: refused from the header alone.
      const far = await restRequest(service.address, { body: Buffer.alloc(4 * MAX_BODY_BYTES, 0x20), authorization: auth() });
      assertRestError(far, 413, 8);
    });

    it("refuses an oversized chunked body (no content-length) with 413", async () => {
      const res = await http1(service.port, {
        headers: { authorization: auth(), "content-type": "application/json" },
        chunks: [`{"oldPassword":${JSON.stringify(victim.password)},"newPassword":"`, ...Array(8).fill("A".repeat(16 * 1024)), '"}'],
      });
      assertRestError(jsonOf(res), 413, 8, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    });

    it("survives a client that hangs up in the middle of the body (crashed the process before)", async () => {
      await new Promise<void>((resolve) => {
        const req = http.request({
          host: "127.0.0.1",
          port: service.port,
          method: "PUT",
          path: "/auth/v1/users/me/password",
          headers: { authorization: auth(), "content-type": "application/json", "content-length": 1000 },
          agent: false,
        });
        req.on("error", () => resolve());
        req.on("close", () => resolve());
        req.write('{"oldPassword":"', () => setTimeout(() => req.destroy(), 200));
      });
      // afterEach checks that the process is alive and serving.
    });

    it("refuses content types that are not JSON with 415", async () => {
      const body = JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!" });
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/grpc"]) {
        const res = await restRequest(service.address, { body, authorization: auth(), contentType });
        assertRestError(res, 415, 3, /^content type ".*" is not supported; send application\/json$/);
      }
    });

    it("refuses other methods with 405 and Allow: PUT", async () => {
      for (const method of ["GET", "POST", "DELETE", "PATCH", "OPTIONS"]) {
        const body = method === "GET" ? undefined : JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!" });
        const res = await restRequest(service.address, { method, body, authorization: auth() });
        assertRestError(res, 405, res.json.code, `method ${method} is not allowed; use PUT`);
        assert.equal(res.headers.get("allow"), "PUT");
      }
    });

    it("answers unknown paths with grpc-gateway's 404 JSON", async () => {
      const body = JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!" });
      for (const [method, p] of [
        ["GET", "/index.html"], // "/" itself leads to the account page (WEB_UI)
        ["PUT", "/auth/v1/users/me/password/"],
        ["PUT", "/auth/v1/users/me/passwords"],
        ["PUT", "/auth/v1/users/someone-else/password"],
        ["PUT", "/AUTH/V1/USERS/ME/PASSWORD"],
        ["POST", "/zitadel.auth.v1.AuthService/Nope"],
        ["GET", "/%00%ff"],
      ]) {
        const res = await http1(service.port, {
          method,
          path: p,
          headers: { authorization: auth(), "content-type": "application/json" },
          chunks: method === "GET" ? [] : [body],
        });
        assertRestError(jsonOf(res), 404, 5, "Not Found");
      }
    });

    it("ignores unknown JSON fields", async () => {
      const user = users.get("unknown-fields")!;
      const body = JSON.stringify({
        oldPassword: user.password,
        newPassword: "New-Passw0rd!",
        userId: victim.userId,
        details: { sequence: "99" },
        "@type": "x",
        nested: { deep: [1, { a: null }] },
      });
      const res = await restRequest(service.address, { body, authorization: bearer(user.token) });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.details.sequence, "2");
      assert.ok(await bcrypt.compare("New-Passw0rd!", (await service.userRow(user.userId)).password_hash!));
    });

    it("accepts the proto field names old_password / new_password", async () => {
      const user = users.get("snake")!;
      const body = JSON.stringify({ old_password: user.password, new_password: "New-Passw0rd!" });
      const res = await restRequest(service.address, { body, authorization: bearer(user.token) });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.details.sequence, "2");
      assert.ok(await bcrypt.compare("New-Passw0rd!", (await service.userRow(user.userId)).password_hash!));
    });

    it("accepts application/json with a charset, and no content type at all", async () => {
      const user = users.get("charset")!;
      const first = await restRequest(service.address, {
        body: JSON.stringify({ oldPassword: user.password, newPassword: "New-Passw0rd!" }),
        authorization: bearer(user.token),
        contentType: "application/json; charset=utf-8",
      });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      // By hand: fetch would add text/plain to a string body.
      const second = jsonOf(
        await http1(service.port, {
          headers: { authorization: bearer(user.token) },
          chunks: [JSON.stringify({ oldPassword: "New-Passw0rd!", newPassword: "Third-Passw0rd!" })],
        }),
      );
      assert.equal(second.status, 200, JSON.stringify(second.json));
      assert.equal((second.json as { details: { sequence: string } }).details.sequence, "3");
    });
  });

  describe("gRPC and Connect", () => {
    const grpcHeaders = () => ({ "content-type": "application/grpc", te: "trailers", authorization: auth() });

    it("answers malformed protobuf in a well-formed gRPC frame (h2c) with 13, as gRPC's status code table says", async () => {
      // Field 1 as a string whose bytes are not UTF-8; a truncated varint; a length past the end.
      const notUtf8 = Buffer.concat([Buffer.from([0x0a, 2, 0xff, 0xfe, 0x12, 13]), Buffer.from("New-Passw0rd!")]);
      for (const message of [notUtf8, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x0a, 100, 0x41])]) {
        const res = await h2(service.url, grpcHeaders(), grpcFrame(message));
        assert.equal(res.headers[":status"], 200);
        assert.equal(res.trailers["grpc-status"], "13");
        assert.match(decodeURIComponent(String(res.trailers["grpc-message"])), /^parse binary: /);
      }
    });

    it("answers broken gRPC framing (h2c) with a status, never a hang", async () => {
      const cases: [Buffer, string][] = [
        [Buffer.from([0, 0, 0, 0, 100, 1, 2, 3]), "3"], // prefix says 100 bytes, 3 follow
        [Buffer.from([0, 0, 0]), "3"], // not even a whole prefix
        [Buffer.from([1, 0, 0, 0, 2, 1, 2]), "13"], // compressed flag without grpc-encoding
        [Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 1]), "8"], // 4 GiB announced
        [Buffer.concat([grpcFrame(Buffer.alloc(0)), grpcFrame(Buffer.alloc(0))]), "12"], // two messages to a unary method
        [Buffer.alloc(0), "12"], // none
      ];
      for (const [body, status] of cases) {
        const res = await h2(service.url, grpcHeaders(), body);
        assert.equal(res.headers[":status"], 200);
        assert.equal(res.trailers["grpc-status"] ?? res.headers["grpc-status"], status, body.toString("hex"));
      }
    });

    it("answers a bad frame over gRPC on HTTP/1.1 and gRPC-Web with 13 in the trailers", async () => {
      const garbage = grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff]));
      const grpc = await http1(service.port, {
        method: "POST",
        path: PATH,
        headers: { "content-type": "application/grpc+proto", te: "trailers", authorization: auth() },
        chunks: [garbage],
      });
      assert.equal(grpc.status, 200);
      assert.equal(grpc.trailers["grpc-status"], "13");

      const web = await http1(service.port, {
        method: "POST",
        path: PATH,
        headers: { "content-type": "application/grpc-web+proto", authorization: auth() },
        chunks: [garbage],
      });
      assert.equal(web.status, 200);
      // gRPC-Web puts the trailers in a last frame, flag 0x80.
      assert.equal(web.body[0], 0x80);
      assert.match(web.body.subarray(5).toString("latin1"), /grpc-status: 13\r\n/);
    });

    it("answers malformed protobuf on the Connect protocol with Connect's error JSON", async () => {
      // connect-es maps every protobuf parse failure to "internal" (gRPC's rule); on
      // Connect that is HTTP 500 where connect-go would say invalid_argument / 400.
      const res = await h2(service.url, { "content-type": "application/proto", authorization: auth() }, Buffer.from([0xff, 0xff, 0xff]));
      const json = JSON.parse(res.body.toString("utf8"));
      assert.equal(json.code, "internal");
      assert.match(json.message, /^parse binary: /);
    });

    it("refuses a request with two Authorization headers as an invalid auth header, on HTTP/1.1 and HTTP/2", async () => {
      const body = JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!" });
      const rest = await new Promise<RawResponse>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: service.port, method: "PUT", path: "/auth/v1/users/me/password", agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, trailers: {}, body: Buffer.concat(chunks) }));
        });
        req.on("error", reject);
        // Node's client sends both when given an array.
        req.setHeader("authorization", [auth(), "Bearer someone-elses-token"]);
        req.setHeader("content-type", "application/json");
        req.end(body);
      });
      assert.equal(rest.status, 401);
      assert.match(JSON.parse(rest.body.toString("utf8")).message, /invalid auth header/);
      // Node's HTTP/2 client will not send a header twice; curl does.
      const { stdout } = await promisify(execFile)("curl", [
        "-s",
        "--http2-prior-knowledge",
        "-X",
        "PUT",
        "-w",
        "\n%{http_code}",
        "-H",
        `authorization: ${auth()}`,
        "-H",
        "authorization: Bearer someone-elses-token",
        "-H",
        "content-type: application/json",
        "--data-binary",
        body,
        `${service.url}/auth/v1/users/me/password`,
      ]);
      const [json, status] = stdout.split("\n");
      assert.equal(status, "401");
      assert.match(JSON.parse(json).message, /invalid auth header/);
    });

    it("refuses a known field sent with the wrong wire type with 3, on gRPC and Connect, and reads nothing into it", async () => {
      // old_password (1) as a varint 16 followed by 16 bytes: protobuf-es alone would read those 16 bytes as the string.
      const guess = Buffer.from("Guessed-Passw0rd");
      const message = Buffer.concat([Buffer.from([0x08, guess.length]), guess, Buffer.from([0x12, 13]), Buffer.from("New-Passw0rd!")]);
      const grpc = await h2(service.url, grpcHeaders(), grpcFrame(message));
      assert.equal(grpc.trailers["grpc-status"] ?? grpc.headers["grpc-status"], "3");
      assert.match(decodeURIComponent(String(grpc.trailers["grpc-message"] ?? grpc.headers["grpc-message"])), /old_password \(1\) arrived as wire type 0/);
      const connect = await h2(service.url, { "content-type": "application/proto", authorization: auth() }, message);
      assert.equal(connect.headers[":status"], 400);
      assert.equal(JSON.parse(connect.body.toString("utf8")).code, "invalid_argument");
      const web = await http1(service.port, {
        method: "POST",
        path: PATH,
        headers: { "content-type": "application/grpc-web+proto", authorization: auth() },
        chunks: [grpcFrame(message)],
      });
      assert.match(web.body.subarray(5).toString("latin1"), /grpc-status: 3\r\n/);
    });

    it("refuses the wrong content type on the Connect route with 415", async () => {
      const body = JSON.stringify({ oldPassword: victim.password, newPassword: "New-Passw0rd!" });
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
        const res = await http1(service.port, {
          method: "POST",
          path: PATH,
          headers: { "content-type": contentType, authorization: auth() },
          chunks: [body],
        });
        assert.equal(res.status, 415, contentType);
      }
      const none = await http1(service.port, { method: "POST", path: PATH, headers: { authorization: auth() }, chunks: [body] });
      assert.equal(none.status, 415);
    });

    /** Bodies that are not a valid request, several with a password where V8 or protobuf-es would quote it. */
    const badJsonBodies = () => [
      JSON.stringify({ oldPassword: 12345678, newPassword: "New-Passw0rd!" }),
      JSON.stringify({ oldPassword: victim.password, newPassword: { a: 1 } }),
      JSON.stringify({ oldPassword: [victim.password], newPassword: "New-Passw0rd!" }),
      JSON.stringify({ oldPassword: victim.password, old_password: victim.password, newPassword: "New-Passw0rd!" }),
      `{"oldPassword": ${victim.password}, "newPassword": "New-Passw0rd!"}`,
      victim.password,
      `{"oldPassword": "${victim.password}" "newPassword": "New-Passw0rd!"}`,
      "[]",
      "{",
      "",
    ];
    const SAFE_JSON_ERROR =
      /^(request body is not valid JSON in UTF-8|request body must be a JSON object|invalid (UpdateMyPasswordRequest|ChangeMyPasswordRequest): field "\w+" must be a string|request body is not a valid (UpdateMyPasswordRequest|ChangeMyPasswordRequest))$/;

    it("refuses Connect JSON with wrong field types, or not JSON, with invalid_argument / 400, quoting none of it", async () => {
      for (const path of [PATH, "/passwordservice.v1.PasswordService/ChangeMyPassword"]) {
        for (const body of badJsonBodies()) {
          const res = await http1(service.port, {
            method: "POST",
            path,
            headers: { "content-type": "application/json", authorization: auth() },
            chunks: [body],
          });
          assert.equal(res.status, 400, body);
          const json = JSON.parse(res.body.toString("utf8"));
          assert.equal(json.code, "invalid_argument", body);
          assert.match(json.message, SAFE_JSON_ERROR, `${path}: ${body}`);
        }
      }
    });

    it("refuses bad JSON over gRPC (h2c) and gRPC-Web with 3, quoting none of it", async () => {
      for (const body of badJsonBodies()) {
        const grpc = await h2(service.url, { "content-type": "application/grpc+json", te: "trailers", authorization: auth() }, grpcFrame(Buffer.from(body)));
        assert.equal(grpc.trailers["grpc-status"] ?? grpc.headers["grpc-status"], "3", body);
        assert.match(decodeURIComponent(String(grpc.trailers["grpc-message"] ?? grpc.headers["grpc-message"])), SAFE_JSON_ERROR, body);

        const web = await http1(service.port, {
          method: "POST",
          path: PATH,
          headers: { "content-type": "application/grpc-web+json", authorization: auth() },
          chunks: [grpcFrame(Buffer.from(body))],
        });
        const trailers = web.body[0] === 0x80 ? web.body.subarray(5).toString("utf8") : "";
        assert.match(trailers, /grpc-status: 3\r\n/, body);
        const message = decodeURIComponent(/grpc-message: (.*)\r\n/.exec(trailers)?.[1] ?? "");
        assert.match(message, SAFE_JSON_ERROR, body);
      }
    });

    it("refuses an oversized message with 8 ResourceExhausted on grpc-js, Connect and gRPC-Web", async () => {
      const big = { oldPassword: "x".repeat(MAX_BODY_BYTES + 1), newPassword: "New-Passw0rd!", authorization: auth() };
      const viaGrpc = await grpcJs(service.address, big);
      assert.deepEqual([viaGrpc.ok, !viaGrpc.ok && viaGrpc.code], [false, 8]);
      const viaConnect = await connectJson(service.address, big);
      assert.deepEqual([viaConnect.ok, !viaConnect.ok && viaConnect.code], [false, 8]);
      const viaWeb = await grpcWeb(service.address, big);
      assert.deepEqual([viaWeb.ok, !viaWeb.ok && viaWeb.code], [false, 8]);
    });

    it("answers unknown services and methods over grpc-js with 12 Unimplemented", async () => {
      const message = Buffer.from(
        toBinary(
          UpdateMyPasswordRequestSchema,
          create(UpdateMyPasswordRequestSchema, {
            oldPassword: victim.password,
            newPassword: "New-Passw0rd!",
          }),
        ),
      );
      for (const method of ["/zitadel.auth.v1.AuthService/UpdateMyPasswordX", "/zitadel.auth.v1.Nope/UpdateMyPassword", "/a/b", "/"]) {
        const err = await grpcJsRaw(service.address, method, message, auth());
        assert.equal(err?.code, 12, method);
      }
    });
  });

  describe("field validation on every entry point", () => {
    const callers: [string, Caller, string][] = [
      ["REST", rest, "UpdateMyPasswordRequest"],
      ["grpc-js", grpcJs, "UpdateMyPasswordRequest"],
      ["Connect JSON", connectJson, "UpdateMyPasswordRequest"],
      ["gRPC-Web", grpcWeb, "UpdateMyPasswordRequest"],
      ["own API", ownApiGrpc, "ChangeMyPasswordRequest"],
    ];

    function assertInvalid(outcome: Outcome, message: string, id?: string): void {
      assert.equal(outcome.ok, false, JSON.stringify(outcome));
      if (outcome.ok) return;
      assert.equal(outcome.code, 3);
      assert.equal(outcome.message, message);
      if (outcome.httpStatus !== undefined) assert.equal(outcome.httpStatus, 400);
      if (id) assert.deepEqual(outcome.detail && [outcome.detail.id, outcome.detail.type], [id, "zitadel.v1.ErrorDetail"]);
      else assert.equal(outcome.detail, undefined);
    }

    for (const [name, call, request] of callers) {
      it(`refuses empty, too long and NUL-containing fields over ${name}`, async () => {
        const authorization = auth();
        const cases: [string, string, string, string?][] = [
          ["", "New-Passw0rd!", `invalid ${request}.OldPassword: value length must be at least 1 runes`],
          [victim.password, "", `invalid ${request}.NewPassword: value length must be at least 1 runes`],
          ["", "", `invalid ${request}.OldPassword: value length must be at least 1 runes`],
          [victim.password, passwordOf(73), `invalid ${request}.NewPassword: value length must be at most 72 bytes`],
          // 39 characters but 73 bytes: the cap counts bytes.
          [victim.password, passwordOf(73, "é"), `invalid ${request}.NewPassword: value length must be at most 72 bytes`],
          [victim.password, `${passwordOf(70)}🔑`, `invalid ${request}.NewPassword: value length must be at most 72 bytes`],
          [passwordOf(1025), "New-Passw0rd!", `invalid ${request}.OldPassword: value length must be at most 1024 bytes`],
          [victim.password, "New-Pass\0w0rd!", "Password must not contain a NUL character (PWSVC-NUL01)", "PWSVC-NUL01"],
          [victim.password, "New-Passw0rd!\0", "Password must not contain a NUL character (PWSVC-NUL01)", "PWSVC-NUL01"],
        ];
        for (const [oldPassword, newPassword, message, id] of cases) {
          assertInvalid(await call(service.address, { oldPassword, newPassword, authorization }), message, id);
        }
      });
    }

    it("accepts a new password of exactly 72 bytes, stored whole", async () => {
      const cases: [string, string][] = [
        ["72-ascii", passwordOf(72)],
        ["72-multibyte", passwordOf(72, "é")],
      ];
      await Promise.all(
        cases.map(async ([name, newPassword]) => {
          const user = users.get(name)!;
          const outcome = await (name === "72-ascii" ? rest : grpcJs)(service.address, {
            oldPassword: user.password,
            newPassword,
            authorization: bearer(user.token),
          });
          assert.equal(outcome.ok && outcome.sequence, "2", JSON.stringify(outcome));
          const hash = (await service.userRow(user.userId)).password_hash!;
          assert.ok(await bcrypt.compare(newPassword, hash));
          // All 72 bytes count: the last one changed does not verify.
          const lastByteOff = Buffer.from(newPassword);
          lastByteOff[71] ^= 1;
          assert.equal(await bcrypt.compare(lastByteOff, hash), false);
        }),
      );
    });

    it("changes an old password of 71 to 100 bytes set elsewhere", async () => {
      await Promise.all(
        LONG_OLD.map(async (n) => {
          const user = users.get(`old-${n}`)!;
          assert.equal(Buffer.byteLength(user.password), n);
          const outcome = await grpcJs(service.address, {
            oldPassword: user.password,
            newPassword: "New-Passw0rd!",
            authorization: bearer(user.token),
          });
          assert.equal(outcome.ok && outcome.sequence, "2", `${n} bytes: ${JSON.stringify(outcome)}`);
          assert.ok(await bcrypt.compare("New-Passw0rd!", (await service.userRow(user.userId)).password_hash!));
        }),
      );
    });

    it("changes a password with non-ASCII characters, to others", async () => {
      const user = users.get("non-ascii")!;
      const steps: [Caller, string, string][] = [
        [rest, NON_ASCII, "Nëw-Pässw0rd-日本"],
        [grpcJs, "Nëw-Pässw0rd-日本", "Ünïcödé-Pa55-🔑"],
        [connectJson, "Ünïcödé-Pa55-🔑", "Ωmega-Pa55-ß✓"],
      ];
      let sequence = 1;
      for (const [call, oldPassword, newPassword] of steps) {
        const outcome = await call(service.address, { oldPassword, newPassword, authorization: bearer(user.token) });
        sequence += 1;
        assert.equal(outcome.ok && outcome.sequence, String(sequence), JSON.stringify(outcome));
        const hash = (await service.userRow(user.userId)).password_hash!;
        assert.ok(await bcrypt.compare(newPassword, hash));
        if (newPassword.normalize("NFD") !== newPassword) {
          assert.equal(await bcrypt.compare(newPassword.normalize("NFD"), hash), false, "no silent normalisation");
        }
      }
    });
  });
});
