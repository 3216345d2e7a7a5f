/**
 * `npm run api`: the off-chain service as a process (compiled to one file, dist/api/main.js, at
 * install: `npm run build:api`).
 *
 * Start-up order, so that a supervisor sees a live process as soon as the code is loaded and a load
 * balancer sends no traffic before it can be served:
 * 1. the configuration is read (a bad value stops it here with a plain message and exit code 1);
 * 2. the port is bound with a small handler: GET /healthz answers 200 (alive), everything else 503
 *    "starting" with Retry-After, /readyz included;
 * 3. the stores are opened (Helia's modules load here, on first use) and the chain is asked for its
 *    id, then the real app takes over the same server and "listening on <url>" is logged.
 * On SIGTERM/SIGINT it stops taking connections, lets requests in flight finish (an upload the
 * client has started is stored and answered), closes the stores and exits 0.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { once } from "node:events";
import { loadConfig, type ApiConfig } from "./config";
import { createApiServer } from "./http/server";
import { logStarted, startApi, type RunningApi } from "./index";

/** While the modules load: alive, not ready. */
export function startingHandler(req: IncomingMessage, res: ServerResponse): void {
  const alive = req.method === "GET" && req.url?.split("?")[0] === "/healthz";
  res.writeHead(alive ? 200 : 503, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...(alive ? {} : { "Retry-After": "1" }),
  });
  res.end(
    JSON.stringify(
      alive
        ? { status: "ok", starting: true }
        : { error: { code: "starting", message: "The service is starting; try again in a moment." } },
    ),
  );
}

/** Prints a start-up failure as plain sentences (never a stack trace) and exits 1. */
function fail(error: unknown): never {
  const e = error as { shortMessage?: string; details?: string; code?: string; message?: string };
  if (typeof e?.shortMessage === "string") {
    process.stderr.write(`${e.shortMessage}\n${e.details ? `  ${e.details.split("; ").join("\n  ")}\n` : ""}`);
  } else {
    process.stderr.write(
      `The service could not start: ${e?.code === "EADDRINUSE" ? "the port is already in use." : (e?.message ?? String(error))}\n`,
    );
  }
  process.exit(1);
}

/** Runs the service as this process (bin.ts calls it; so does `node offchain-api/main.ts`). */
export async function main(): Promise<void> {
  // Every file the service creates (blocks, state, keys) is owner-only, whatever the library's default.
  process.umask(0o077);
  let config: ApiConfig;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const server = createApiServer(config, startingHandler);
  // A stop signal before the service is up ends the process at once: nothing is in flight yet.
  const early = () => process.exit(0);
  process.once("SIGTERM", early);
  process.once("SIGINT", early);
  try {
    server.listen(config.port, config.host);
    await once(server, "listening");
  } catch (error) {
    fail(error);
  }

  let api: RunningApi;
  try {
    api = await startApi(config, { server });
  } catch (error) {
    server.close();
    fail(error);
  }
  process.off("SIGTERM", early);
  process.off("SIGINT", early);
  const { services, url } = api;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Closes the listening socket before saying so: once "stopping" is logged, new connections are refused.
    const closed = api.close();
    services.logger.info({ signal }, "stopping: finishing the requests in flight");
    try {
      services.logger.info({ outcome: await closed }, "stopped");
      process.exitCode = 0;
    } catch (error) {
      services.logger.error({ err: { name: (error as Error)?.name } }, "stopping failed");
      process.exitCode = 1;
    }
    services.logger.flush?.();
    process.exit();
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
  await logStarted(services, config, url);
}

if (require.main === module) void main();
