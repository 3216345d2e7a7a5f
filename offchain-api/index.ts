/**
 * The off-chain service in a process: open the services, serve the app, drain and close. The process
 * entry (configuration, signals, the start line) is main.ts; scripts/start.ts, the e2e stack and the
 * benchmarks start it in their own process through `startService` / `startApi`.
 */
import { once } from "node:events";
import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { custodianKey } from "../lib/chain/ehr";
import { compressPublicKey } from "../lib/crypto/publicKey";
import { createApp } from "./app";
import { createApiServer } from "./http/server";
import type { ApiConfig } from "./config";
import { openServices, type ApiServices } from "./services";

/** How long requests in flight may take to finish after a stop signal. */
const DRAIN_MS = 30_000;

/** Responses not finished yet, per server (so `drain` can mark them `Connection: close`). */
const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/** Whether the custodian key this service holds is the one on the chain (undefined: cannot tell). */
async function custodianPublished(services: ApiServices): Promise<boolean | undefined> {
  try {
    const onChain = await custodianKey(services.publicClient, services.core);
    return onChain?.toLowerCase() === compressPublicKey(services.custodian.publicKey).toLowerCase();
  } catch {
    return undefined;
  }
}

/** What summaries this service can make (the narrative needs a local model folder). */
function summarizerStatus(config: ApiConfig): string {
  return config.summarizerModelDir
    ? `clinical sections, narrative from ${config.summarizerModelDir}`
    : "clinical sections only (no narrative model: set SUMMARIZER_MODEL_DIR)";
}

/**
 * Stops `server` gracefully: no new connections, idle keep-alive connections closed at once,
 * requests in flight answered with `Connection: close`; after `drainMs` the rest are cut.
 */
export async function drain(server: Server, drainMs = DRAIN_MS): Promise<"drained" | "forced"> {
  let outcome: "drained" | "forced" = "drained";
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A request still being answered closes its connection after the answer instead of keeping it alive.
  server.on("request", (_req, res) => res.setHeader("Connection", "close"));
  for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.setHeader("Connection", "close");
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    outcome = "forced";
    server.closeAllConnections();
  }, drainMs);
  await closed;
  clearTimeout(timer);
  return outcome;
}

/**
 * Starts the service: services, app, server listening on the configured host and port. With
 * `server` (already listening, as main.ts binds it before loading this module), the app replaces
 * its request handler.
 */
export async function startService(
  config: ApiConfig,
  options: { server?: Server } = {},
): Promise<{ server: Server; services: ApiServices; url: string }> {
  const services = await openServices(config);
  const app = createApp(services);
  const server = options.server ?? createApiServer(config);
  server.removeAllListeners("request");
  server.on("request", app);
  const pending = new Set<ServerResponse>();
  inFlight.set(server, pending);
  server.on("request", (_req, res) => {
    pending.add(res);
    res.once("close", () => pending.delete(res));
  });
  if (!server.listening) {
    server.listen(config.port, config.host);
    try {
      await once(server, "listening");
    } catch (error) {
      await services.close();
      throw error;
    }
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return { server, services, url: `http://${host}:${port}` };
}

/** A running service, as `startApi` answers it. */
export interface RunningApi {
  /** Where it listens, with the actual port (`EHR_API_PORT=0` picks a free one). */
  url: string;
  services: ApiServices;
  /**
   * Stops it (see `drain`), then closes the services. The server stops accepting connections
   * before this returns its promise; calling it again answers the same promise.
   */
  close(): Promise<"drained" | "forced">;
}

/**
 * The service in this process, for `scripts/start.ts` and `main`: `startService` plus one idempotent
 * `close` that drains the server and then closes the stores.
 */
export async function startApi(
  config: ApiConfig,
  options: {
    /** How long requests in flight may take to finish on `close` before they are cut. @default 30000 */
    drainMs?: number;
    /** A server already listening (see `startService`). @default a new one */
    server?: Server;
  } = {},
): Promise<RunningApi> {
  const { server, services, url } = await startService(config, { server: options.server });
  let closing: Promise<"drained" | "forced"> | undefined;
  const close = async () => {
    const outcome = await drain(server, options.drainMs);
    await services.close();
    return outcome;
  };
  return {
    url,
    services,
    close: () => (closing ??= close()),
  };
}

/** Logs the start line: where it listens, its storage, chain and custodian, what summaries it makes. */
export async function logStarted(services: ApiServices, config: ApiConfig, url: string): Promise<void> {
  const published = await custodianPublished(services);
  services.logger.info(
    {
      url,
      storage: services.blobs.kind,
      chainId: services.chainId,
      core: services.core,
      custodianPublicKey: services.custodian.publicKey,
      custodianPublished: published,
      summarizer: summarizerStatus(config),
    },
    `listening on ${url} (storage: ${services.blobs.kind})` +
      (published === false
        ? "; the custodian key is not on the chain yet: run `npx hardhat ehr:publish-custodian --network <net>`"
        : published === undefined
          ? "; could not read the custodian key from the chain"
          : ""),
  );
}
