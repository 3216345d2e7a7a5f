/**
 * Node globals a dependency reaches for in the browser, set before anything else is evaluated
 * (main.tsx imports this first): eth-crypto 4.1 calls the global `Buffer` when it wraps and unwraps
 * data keys. The `buffer` package, as test/browser/nodeGlobals.ts does for the library tests;
 * `global` itself is defined at build time (vite.config.ts).
 */
import { Buffer } from "buffer/";

const globals = globalThis as { Buffer?: unknown };
globals.Buffer ??= Buffer;
