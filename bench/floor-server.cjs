"use strict";
/**
 * The floor: the least a Node server can do for a sign-in. It reads the
 * request whole, runs one bcrypt.compare on libuv's pool (sized and lowered
 * to nice 19 as bin/password-service.cjs does), and answers success in the
 * protocol's own form with a body of a CreateSession answer's size. No
 * authentication, database, decoding, log or metric. bench/run.ts drives it
 * with the same load generator as the service: what the floor reaches
 * against the verify bound is what this machine allows any Node server,
 * with the generator on the same cores.
 *
 *   node bench/floor-server.cjs COST  → prints {"grpc": URL, "http1": URL}
 */
const os = require("node:os");

process.env.UV_THREADPOOL_SIZE = String(os.availableParallelism() + 2);
const { lowerPoolPriority } = require("../bin/pool-priority.cjs");

/** About the size of a CreateSession answer: details, a session ID and its token. */
const ANSWER_BYTES = 110;
const PASSWORD = "Bench-Passw0rd-0!";

lowerPoolPriority(() => {
  const bcrypt = require("bcrypt");
  const http = require("node:http");
  const http2 = require("node:http2");
  const hash = bcrypt.hashSync(PASSWORD, Number(process.argv[2]));
  const message = Buffer.alloc(ANSWER_BYTES);
  /** A gRPC length-prefixed frame: flags, length, payload. */
  const frame = (flags, payload) => {
    const out = Buffer.alloc(5 + payload.length);
    out[0] = flags;
    out.writeUInt32BE(payload.length, 1);
    payload.copy(out, 5);
    return out;
  };
  const grpcBody = frame(0, message);
  const grpcWebBody = Buffer.concat([grpcBody, frame(0x80, Buffer.from("grpc-status:0\r\n"))]);
  const restBody = Buffer.alloc(ANSWER_BYTES, "a");

  /** Reads the body whole, verifies once, then answers. */
  const afterVerify = (request, answer) => {
    request.on("data", () => {});
    request.on("end", () => bcrypt.compare(PASSWORD, hash).then(answer));
  };

  const grpc = http2.createServer();
  grpc.on("stream", (stream) =>
    afterVerify(stream, () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpcBody);
    }),
  );
  const http1 = http.createServer((req, res) =>
    afterVerify(req, () => {
      const type = req.headers["content-type"] ?? "";
      if (req.url === "/v2/sessions") res.writeHead(201, { "content-type": "application/json" }).end(restBody);
      else if (type.startsWith("application/grpc-web")) res.writeHead(200, { "content-type": "application/grpc-web+proto" }).end(grpcWebBody);
      else res.writeHead(200, { "content-type": "application/proto" }).end(message);
    }),
  );
  const url = (server) => `http://127.0.0.1:${server.address().port}`;
  grpc.listen(0, "127.0.0.1", () => http1.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ grpc: url(grpc), http1: url(http1) }))));
});
