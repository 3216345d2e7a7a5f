import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestHandler } from "express";
import { HttpError } from "./errors";

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

/**
 * `judge` on a view of the chain up to `maxAgeMs` older than the request (its reads may use a
 * block-number call started that long before it arrived, so a stream of requests shares one call
 * per `maxAgeMs` instead of making one per wave), and, when that view refuses (`judge` throws an
 * HttpError, or `accepted` says no), once more at the chain's latest block. So a refusal is always
 * judged as of now (a grant or a registration mined a moment ago is honoured), and only an
 * acceptance may rest on a view `maxAgeMs` old: use it only where the chain itself checks what
 * the acceptance leads to.
 */
export async function onRecentChainView<T>(
  maxAgeMs: number,
  judge: () => Promise<T>,
  accepted: (answer: T) => boolean = () => true,
): Promise<T> {
  try {
    const answer = await arrivals.run(arrivedAt() - maxAgeMs, judge);
    if (accepted(answer)) return answer;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  return judge();
}
