import fs from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { Logger } from "pino";
import { type Config, ConfigError, type ConnectionLimits } from "../config.js";
import type { NodeHandler as Handler } from "../api/node-types.js";
import { bindPort } from "../ops/bind-port.js";

/** The HTTP/2 client connection preface (RFC 9113, 3.4). */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const FIRST_BYTES_TIMEOUT_MS = 10_000;

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * One port for everything. With TLS, ALPN picks h2 or http/1.1. Without it,
 * Node's HTTP/2 server does not fall back to HTTP/1.1, so each connection's
 * first bytes decide: the HTTP/2 preface goes to the h2c server, anything
 * else to the HTTP/1.1 server.
 */
export async function listen(config: Config, handler: Handler, logger: Logger): Promise<RunningServer> {
  const { server, closeConnections } = config.tls ? tlsServer(config.tls, handler, config.limits) : cleartextServer(handler, config.limits);
  // Past the cap, Node closes a new connection as soon as it is accepted.
  server.maxConnections = config.limits.maxConnections;
  capConnectionsPerClient(server, config.limits.maxConnectionsPerClient);
  await bindPort(server, config.port, config.host, { setting: "PORT", zero: "0 for any free port" });
  const { address, port } = server.address() as net.AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  logger.info({ address, port, tls: Boolean(config.tls) }, `listening on ${config.tls ? "https" : "http"}://${host}:${port}`);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        closeConnections();
      }),
  };
}

/**
 * Closes a new connection from an address that already holds the per-client
 * cap, so that one client cannot take every connection the server allows and
 * probes from elsewhere still get in.
 */
function capConnectionsPerClient(server: net.Server, max: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: net.Socket) => {
    const address = socket.remoteAddress ?? "";
    const count = open.get(address) ?? 0;
    if (count >= max) return void socket.destroy();
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

interface Listener {
  server: net.Server;
  /** Ends idle connections now and the rest once their requests are done. */
  closeConnections(): void;
}

/** What every HTTP/2 server here is created with. */
function h2Options(limits: ConnectionLimits): http2.ServerOptions {
  return {
    settings: { maxConcurrentStreams: limits.maxStreamsPerConnection, maxHeaderListSize: limits.maxHeaderBytes },
    maxHeaderListPairs: 128,
  };
}

/**
 * Closes an HTTP/2 session idle for the limit: GOAWAY, so streams in flight
 * still finish. A client that sent only the preface, or nothing since its
 * last answer, holds a session and its memory no longer.
 */
function closeIdleSessions(h2: http2.Http2Server | http2.Http2SecureServer, limits: ConnectionLimits): void {
  h2.on("session", (session: http2.ServerHttp2Session) => {
    session.setTimeout(limits.idleTimeoutMs, () => session.close());
  });
}

function tlsServer(tls: NonNullable<Config["tls"]>, handler: Handler, limits: ConnectionLimits): Listener {
  // Files that cannot be read or are no matching certificate and key are bad
  // configuration: one line and exit code 2, as for the environment, not a stack.
  const cert = readTlsFile("TLS_CERT_FILE", tls.certFile);
  const key = readTlsFile("TLS_KEY_FILE", tls.keyFile);
  let server: http2.Http2SecureServer;
  try {
    server = http2.createSecureServer({ cert, key, allowHTTP1: true, ...h2Options(limits) }, handler);
  } catch (err) {
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    throw new ConfigError(`TLS_CERT_FILE and TLS_KEY_FILE are not a usable certificate and private key: ${reason}`);
  }
  closeIdleSessions(server, limits);
  // HTTP/1.1 over TLS: its connections time out when idle too.
  server.setTimeout(limits.idleTimeoutMs);
  return { server, closeConnections: trackConnections(server, server) };
}

function readTlsFile(name: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function cleartextServer(handler: Handler, limits: ConnectionLimits): Listener {
  const h1 = http.createServer({ maxHeaderSize: limits.maxHeaderBytes, requestTimeout: limits.requestBodyTimeoutMs }, handler);
  // h1 never listens (the net server hands it its sockets), and Node sets up an
  // http.Server's connection tracking on "listening". Without it
  // headersTimeout and requestTimeout are never enforced (a client that stops
  // mid-headers or mid-body holds its connection for ever) and
  // closeIdleConnections() does nothing (a stop waits on idle keep-alive clients).
  h1.headersTimeout = Math.min(h1.headersTimeout, limits.requestBodyTimeoutMs);
  h1.emit("listening");
  // Clients close idle keep-alive connections after ~5 s (Node's agent among
  // them); a server that closes at the same moment races their next request
  // onto a dying socket. The idle limit (65 s by default) outlasts them and
  // leaves the closing to the client.
  h1.keepAliveTimeout = limits.idleTimeoutMs;
  const h2 = http2.createServer(h2Options(limits), handler);
  closeIdleSessions(h2, limits);
  const server = net.createServer((socket) => {
    let seen = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), FIRST_BYTES_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // wait for the rest of the preface
      clearTimeout(timer);
      socket.off("data", onData);
      // Put back what was read. The HTTP/2 session takes it from the paused
      // socket's buffer; HTTP/1.1's parser from its "data" listener, which a
      // paused socket would never feed.
      if (isH2) socket.pause();
      socket.unshift(seen);
      (isH2 ? h2 : h1).emit("connection", socket);
    };
    socket.on("data", onData);
    socket.on("error", () => clearTimeout(timer));
  });
  return { server, closeConnections: trackConnections(server, h2, h1) };
}

/**
 * Follows the HTTP/2 sessions and sockets of a listener so that closing it
 * does not wait on clients that keep connections open: HTTP/2 sessions get
 * GOAWAY (streams in flight finish), HTTP/1.1 connections close when idle or
 * once their request in flight is answered.
 */
function trackConnections(listener: net.Server, h2: http2.Http2Server | http2.Http2SecureServer, h1?: http.Server): () => void {
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<net.Socket>();
  const h1Responses = new Set<http.ServerResponse>();
  let closing = false;
  h2.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  listener.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  h1?.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    h1Responses.add(res);
    res.once("close", () => h1Responses.delete(res));
  });
  return () => {
    closing = true;
    for (const session of sessions) session.close();
    // Answered with "Connection: close", so the client does not send another.
    for (const res of h1Responses) res.shouldKeepAlive = false;
    h1?.closeIdleConnections();
    // Sockets still undecided (no bytes yet) or requests still unanswered get a bounded grace.
    setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  };
}

/** How long requests in flight may take to finish once the server closes. */
export const CLOSE_GRACE_MS = 10_000;
