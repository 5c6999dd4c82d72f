import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from "jose";

/** An external issuer's signing key: the private half signs tokens, the public one is served. */
export interface IssuerKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function issuerKey(alg: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg}-${randomUUID().slice(0, 8)}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** A JWKS endpoint on loopback whose keys and behaviour the test changes; emits "request" for each request. */
export class JwksServer extends EventEmitter {
  keys: JWK[] = [];
  /** "silent": the request is taken and never answered. */
  mode: "ok" | "503" | "html" | "not-a-set" | "hang-up" | "silent" = "ok";
  requests = 0;
  private constructor(private readonly server: http.Server) {
    super();
  }

  static async start(): Promise<JwksServer> {
    let self!: JwksServer;
    const server = http.createServer((req, res) => self.answer(req, res));
    self = new JwksServer(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}/.well-known/jwks.json`;
  }

  private answer(_req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests += 1;
    this.emit("request");
    switch (this.mode) {
      case "ok":
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: this.keys }));
      case "503":
        return void res.writeHead(503, { "content-type": "text/plain" }).end("maintenance");
      case "html":
        return void res.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>");
      case "not-a-set":
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: "none" }));
      case "hang-up":
        return void res.socket?.destroy();
      case "silent":
        return;
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
