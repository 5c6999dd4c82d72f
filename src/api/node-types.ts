import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** A request handler for node:http and node:http2 alike, as connect-node types it. */
export type NodeHandler = ReturnType<typeof connectNodeAdapter>;
export type NodeRequest = Parameters<NodeHandler>[0];
export type NodeResponse = Parameters<NodeHandler>[1];
