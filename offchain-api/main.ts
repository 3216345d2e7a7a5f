/**
 * `npm run api`: the off-chain service as a process (built to dist/api/main.js at install).
 *
 * Start-up order, so that a supervisor sees a live process at once and a load balancer sends no
 * traffic before it can be served:
 * 1. the configuration is read (a bad value stops it here with a plain message and exit code 1);
 * 2. the port is bound with a small handler: GET /healthz answers 200 (alive), everything else 503
 *    "starting" with Retry-After, /readyz included;
 * 3. the service's modules (express, viem, the stores...) are loaded and its stores opened, then the
 *    real app takes over the same server and "listening on <url>" is logged.
 * On SIGTERM/SIGINT it stops taking connections, lets requests in flight finish (an upload the
 * client has started is stored and answered), closes the stores and exits 0.
 *
 * This file imports only Node's own modules and the configuration: `./index` is required when the
 * port is bound, and the build keeps it a separate file (`npm run build:api`: two bundles, `./index` external to main.js).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { once } from "node:events";
import { enableCompileCache } from "node:module";
import path from "node:path";
import { loadConfig, type ApiConfig } from "./config";
import type * as ServiceModule from "./index";

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

async function main(): Promise<void> {
  // The compiled service is one large file: V8's code cache spares recompiling it at every start.
  enableCompileCache?.(path.join(__dirname, ".compile-cache"));
  let config: ApiConfig;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const server = createServer(startingHandler);
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

  let service: typeof ServiceModule;
  let api: ServiceModule.RunningApi;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded once the port is bound, on purpose
    service = require("./index") as typeof ServiceModule;
    api = await service.startApi(config, { server });
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
  await service.logStarted(services, config, url);
}

if (require.main === module) void main();
