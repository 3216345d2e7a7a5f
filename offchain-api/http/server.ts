import { ipKeyGenerator } from "express-rate-limit";
import { createServer, type RequestListener, type Server } from "node:http";
import type { Socket } from "node:net";
import type { ApiConfig } from "../config";

type ServerLimits = Pick<
  ApiConfig,
  "headersTimeoutSeconds" | "requestTimeoutSeconds" | "keepAliveTimeoutSeconds" | "maxConnectionsPerIp"
>;

/**
 * The service's HTTP server, with limits in seconds instead of Node's defaults (five minutes for a
 * request, a minute for headers), so a client that sends its headers or body slowly holds a
 * connection for seconds, not minutes:
 * - headers must arrive within `headersTimeoutSeconds` (10 s);
 * - the whole request, body included, within `requestTimeoutSeconds` (by default the largest upload
 *   at 256 KiB/s plus 30 s: 230 s for 50 MiB), answered 408 and closed otherwise;
 * - an idle keep-alive connection is closed after `keepAliveTimeoutSeconds` (5 s);
 * - at most `maxConnectionsPerIp` open connections per peer address: one more is destroyed at once,
 *   before any byte is read, while other addresses are served.
 * Node checks the timeouts every second (`connectionsCheckingInterval`; its default is 30 s).
 * Connections are counted by the socket's peer, grouped as the rate limiter groups it (an IPv6 /56,
 * so one host cannot rotate through its addresses past the cap); behind a proxy that is the proxy, which should then
 * enforce its own per-client cap (README, "Abuse limits").
 */
export function createApiServer(limits: ServerLimits, handler?: RequestListener): Server {
  const server = createServer({
    headersTimeout: limits.headersTimeoutSeconds * 1000,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    connectionsCheckingInterval: 1000,
  });
  if (handler) server.on("request", handler);
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const peer = connectionKey(socket.remoteAddress);
    const count = (open.get(peer) ?? 0) + 1;
    if (count > limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(peer, count);
    socket.once("close", () => {
      const left = (open.get(peer) ?? 1) - 1;
      if (left > 0) open.set(peer, left);
      else open.delete(peer);
    });
  });
  return server;
}

/** The key a connection is counted under: the peer's IPv4 address, or its IPv6 /56 (express-rate-limit's grouping). */
export function connectionKey(remoteAddress: string | undefined): string {
  return remoteAddress ? ipKeyGenerator(remoteAddress) : "unknown";
}
