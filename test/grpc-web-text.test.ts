import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { UpdateMyPasswordRequestSchema, UpdateMyPasswordResponseSchema } from "../gen/zitadel/auth_pb.js";
import { decodeBase64Stream } from "../src/http/grpc-web-text.js";
import { grpcFrame } from "./support/clients.js";
import { Service } from "./support/service.js";

const PATH = "/zitadel.auth.v1.AuthService/UpdateMyPassword";

/** Splits a gRPC-Web body into its frames: messages, then the trailer frame as a header map. */
function unframe(body: Buffer): { messages: Buffer[]; trailers: Record<string, string> } {
  const messages: Buffer[] = [];
  const trailers: Record<string, string> = {};
  for (let at = 0; at < body.length; ) {
    const flags = body[at];
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (flags & 0x80) {
      for (const line of payload.toString().split("\r\n").filter(Boolean)) {
        const i = line.indexOf(":");
        trailers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
    } else messages.push(payload);
  }
  return { messages, trailers };
}

/** A text-mode call written out by hand, its body sent as the given pieces of base64. */
function textCall(port: number, token: string, pieces: string[]): Promise<{ status: number; type: string; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: PATH,
        headers: {
          "content-type": "application/grpc-web-text",
          accept: "application/grpc-web-text",
          "x-grpc-web": "1",
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("latin1");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), text, headers: res.headers }));
      },
    );
    req.on("error", reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

/** The grpc-status of a text-mode answer: in its headers (trailers-only) or its trailer frame. */
function grpcStatusOf(res: { text: string; headers: http.IncomingHttpHeaders }): string | undefined {
  return (res.headers["grpc-status"] as string | undefined) ?? unframe(Buffer.from(res.text, "base64")).trailers["grpc-status"];
}

function requestFrame(oldPassword: string, newPassword: string): Buffer {
  return grpcFrame(toBinary(UpdateMyPasswordRequestSchema, create(UpdateMyPasswordRequestSchema, { oldPassword, newPassword })));
}

describe("gRPC-Web text mode (application/grpc-web-text)", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  it("changes a password: base64 in, base64 out", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    const res = await textCall(service.port, user.token, [requestFrame("Old-Passw0rd!", "New-Passw0rd!").toString("base64")]);
    assert.equal(res.status, 200);
    assert.match(res.type, /^application\/grpc-web-text(\+proto)?$/);
    assert.match(res.text, /^[A-Za-z0-9+/]*={0,2}$/, "one base64 text");
    const { messages, trailers } = unframe(Buffer.from(res.text, "base64"));
    assert.equal(trailers["grpc-status"], "0");
    assert.equal(fromBinary(UpdateMyPasswordResponseSchema, messages[0]).details?.sequence, 2n);
  });

  it("reads a body cut anywhere, and one sent as separately padded pieces", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    const body = requestFrame("Old-Passw0rd!", "New-Passw0rd!");
    // Three bytes at a time: pieces that end in padding, one after another.
    const padded = [body.subarray(0, 4), body.subarray(4, 9), body.subarray(9)].map((b) => b.toString("base64"));
    assert.ok(padded[0].endsWith("="), "the first piece is padded");
    const first = await textCall(service.port, user.token, padded);
    assert.equal(unframe(Buffer.from(first.text, "base64")).trailers["grpc-status"], "0");
    const whole = requestFrame("New-Passw0rd!", "Third-Passw0rd!").toString("base64");
    const second = await textCall(service.port, user.token, [whole.slice(0, 1), whole.slice(1, 6), whole.slice(6)]);
    assert.equal(unframe(Buffer.from(second.text, "base64")).trailers["grpc-status"], "0");
    assert.equal((await service.userRow(user.userId)).sequence, 3);
  });

  it("answers errors in the trailer frame, base64 too", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    const res = await textCall(service.port, user.token, [requestFrame("wrong", "New-Passw0rd!").toString("base64")]);
    const { messages, trailers } = unframe(Buffer.from(res.text, "base64"));
    assert.equal(messages.length, 0);
    assert.equal(trailers["grpc-status"], "3");
    assert.equal(decodeURIComponent(trailers["grpc-message"]), "Password is invalid (COMMAND-3M0fs)");
    assert.ok(trailers["grpc-status-details-bin"]);
  });

  it("refuses a body that is not base64 with 3, and one over the limit with 8 before reading it all", async () => {
    const user = await service.createUser("Old-Passw0rd!");
    const res = await textCall(service.port, user.token, ["AAAA!!!!"]);
    assert.equal(grpcStatusOf(res), "3");
    // 64 KiB is the default body limit: 200 KiB of whitespace, sent in pieces.
    const big = await textCall(
      service.port,
      user.token,
      Array.from({ length: 50 }, () => " ".repeat(4096)),
    );
    assert.equal(grpcStatusOf(big), "8");
  });
});

describe("decodeBase64Stream", () => {
  async function decode(pieces: string[]): Promise<Buffer> {
    const out: Buffer[] = [];
    for await (const chunk of decodeBase64Stream(
      (async function* () {
        yield* pieces;
      })(),
      1024,
    ))
      out.push(chunk);
    return Buffer.concat(out);
  }

  it("decodes any cut of the text, and padded segments back to back", async () => {
    const bytes = Buffer.from(Array.from({ length: 50 }, (_, i) => (i * 37) % 256));
    const text = bytes.toString("base64");
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(await decode([text.slice(0, cut), text.slice(cut)]), bytes, `cut at ${cut}`);
    }
    const segments = [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)].map((b) => b.toString("base64"));
    assert.deepEqual(await decode([segments.join("")]), bytes);
  });

  it("refuses text that is not base64", async () => {
    await assert.rejects(decode(["abc"]), /not a multiple of 4/);
    await assert.rejects(decode(["ab!d"]), /not base64/);
    await assert.rejects(decode([" ".repeat(1000), " ".repeat(1000)]), /larger than 1024 bytes/, "whitespace counts too");
  });
});
