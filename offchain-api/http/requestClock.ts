import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestHandler } from "express";

const arrivals = new AsyncLocalStorage<number>();

/**
 * Notes when each request arrived (`performance.now()`), for everything the request's handling
 * runs: lib/chain/perBlockReads.ts lets a request use a block-number call that started after it
 * arrived, never one from before. Mount it first.
 */
export const requestClock: RequestHandler = (_req, _res, next) => arrivals.run(performance.now(), next);

/** When the request being served arrived, or now outside a request. */
export function arrivedAt(): number {
  return arrivals.getStore() ?? performance.now();
}
