import assert from "node:assert/strict";
import net from "node:net";
import { it } from "node:test";
import { Service } from "./support/service.js";

/** Reads from `socket` until `done(text so far)` holds, or the socket ends. */
function readUntil(socket: net.Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (done(text)) finish();
    };
    const finish = () => {
      socket.off("data", onData).off("end", finish).off("error", reject);
      resolve(text);
    };
    socket.on("data", onData).once("end", finish).once("error", reject);
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  it(`on ${signal} refuses new connections, answers the request in flight, closes the database and exits 0`, async () => {
    const service = await Service.spawn();
    try {
      const user = await service.createUser("Before-Passw0rd!");
      assert.equal(await connects(service.port), true);
      const body = JSON.stringify({ oldPassword: "Before-Passw0rd!", newPassword: "After-Passw0rd!" });
      const socket = net.connect(service.port, "127.0.0.1");
      // "100 Continue" proves the server holds the request: its handler now waits for the body.
      socket.write(
        "PUT /auth/v1/users/me/password HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
          `Authorization: Bearer ${user.token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      assert.match(await readUntil(socket, (t) => t.includes("\r\n\r\n")), /^HTTP\/1\.1 100 Continue/);

      const exited = service.terminate(signal);
      const heard = () => service.logs.some((l) => l.includes("shutting down")) || service.process.exitCode !== null;
      while (!heard()) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await connects(service.port), false, "no new connections");

      socket.write(body);
      const response = await readUntil(socket, () => false);
      assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(response, /\r\nconnection: close\r\n/i, "the client is told not to send another request");
      assert.match(response, /"sequence":"2"/);

      assert.equal(await exited, 0);
      assert.ok(
        service.logs.some((l) => l.includes('"msg":"stopped"')),
        "the database was closed before exit",
      );
      assert.equal((await service.userRow(user.userId)).sequence, 2, "the change committed");
    } finally {
      await service.stop();
    }
  });
}
