/**
 * The compiled service's entry (dist/api/bin.js, what `npm run api` runs). It turns on V8's code
 * cache before loading the service, which is one large file (dist/api/main.js): later starts skip
 * compiling it again. The build keeps `./main` a separate file for that reason.
 */
import { enableCompileCache } from "node:module";
import path from "node:path";

enableCompileCache?.(path.join(__dirname, ".compile-cache"));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the cache is on, on purpose
(require("./main") as typeof import("./main")).main();
