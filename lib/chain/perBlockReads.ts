import {
  createPublicClient,
  custom,
  type Abi,
  type EIP1193RequestFn,
  type PublicClient,
  type ReadContractParameters,
} from "viem";

/**
 * A public client whose contract reads (`eth_call` at "latest") are answered at most once per
 * block: every read first learns the chain's latest block number, from an `eth_blockNumber` call
 * that STARTED AFTER the read was asked for (concurrent reads share one such call), and the answers
 * kept for that block are reused only while it is still the latest; the first read that finds a
 * newer block drops them all. So an access check is always judged on the chain as of the latest
 * block, exactly as without this layer: a revoke mined before a request is sent refuses that
 * request. The block number never goes backwards (a lagging node behind a load balancer does not
 * bring back answers of an older block), and an answer is kept at most `maxAgeMs` even within one
 * block (a development chain that mines only on demand keeps one block for minutes).
 *
 * What it saves: a request's role, grant and registration reads (three to five `eth_call`s each
 * time, the same for every request of a block) become at most one `eth_blockNumber`, shared by the
 * requests in flight. `readContract` keeps its decoded answers the same way, so a read answered for
 * this block costs no ABI encoding or decoding either (a third of a 1 KB upload's allocations were
 * viem's, for three reads); a decoded answer is frozen, since every later reader of the block
 * shares it. With `askedAt` (when the request being served arrived), every block-number call
 * started after that moment serves the request: its later reads, and requests that arrived before
 * the call began, need no call of their own. Everything else (logs, receipts, reads at a given
 * block, calls with overrides) goes to the chain unchanged. A failed read is not kept.
 */
export interface PerBlockReadsOptions {
  /** The longest an answer is reused within one block, in ms. @default 2000 */
  maxAgeMs?: number;
  /** Answers kept for one block at most (the oldest are dropped beyond). @default 10000 */
  maxEntries?: number;
  /** The clock (tests). @default Date.now */
  now?: () => number;
  /**
   * When the request a read serves arrived, on `performance.now()`'s clock: a block-number call
   * STARTED after that moment answers for it too, so the reads of one request, and of requests
   * that arrived before a call began, share it. @default performance.now() (the read itself)
   */
  askedAt?: () => number;
}

interface Kept {
  answer: Promise<unknown>;
  at: number;
}

/** See {@link PerBlockReadsOptions}; `client` keeps doing all the work, this only decides when. */
export function withPerBlockReads(client: PublicClient, options: PerBlockReadsOptions = {}): PublicClient {
  const reads = new PerBlockReads((args) => client.request(args as never), options);
  const perBlock = createPublicClient({
    chain: client.chain,
    pollingInterval: client.pollingInterval,
    cacheTime: client.cacheTime,
    // The wrapped client retries already.
    transport: custom({ request: reads.request }, { retryCount: 0 }),
  }) as PublicClient;
  return perBlock.extend((base) => ({
    readContract: ((parameters: ReadContractParameters) =>
      reads.readContract(parameters, () => base.readContract(parameters))) as PublicClient["readContract"],
  })) as PublicClient;
}

/** The only `readContract` parameters of a read at the latest block with no overrides. */
const PLAIN_READ = new Set(["address", "abi", "functionName", "args"]);

/** The layer itself, over any EIP-1193 `request` (exported for its tests). */
export class PerBlockReads {
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** The highest block number seen, and the answers kept for it: raw, and decoded per ABI. */
  private block = -1n;
  private kept = new Map<string, Kept>();
  private decoded = new WeakMap<Abi, Map<string, Kept>>();
  /** The `eth_blockNumber` call in flight, and the one queued behind it. */
  private running: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;
  /** The latest `eth_blockNumber` call and when it started (performance.now()). */
  private last: { startedAt: number; block: Promise<bigint> } | undefined;
  private readonly askedAt: () => number;
  /** `eth_blockNumber` calls made (tests). */
  blockNumberCalls = 0;

  constructor(
    private readonly inner: (args: { method: string; params?: unknown }) => Promise<unknown>,
    options: PerBlockReadsOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 2000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.askedAt = options.askedAt ?? (() => performance.now());
  }

  readonly request: EIP1193RequestFn = (async (args: { method: string; params?: unknown }) => {
    if (args.method !== "eth_call" || !Array.isArray(args.params)) return this.inner(args);
    const [call, tag, ...rest] = args.params as [unknown, unknown, ...unknown[]];
    if ((tag !== undefined && tag !== "latest") || rest.length > 0) return this.inner(args);
    await this.toLatestBlock();
    return this.reuse(this.kept, JSON.stringify(call), () => this.inner(args));
  }) as EIP1193RequestFn;

  /**
   * `read()` (viem's readContract with `parameters`), its decoded answer kept like a raw one: a read
   * at the latest block with no overrides, keyed by its ABI, address, function and arguments.
   */
  async readContract(parameters: ReadContractParameters, read: () => Promise<unknown>): Promise<unknown> {
    for (const [name, value] of Object.entries(parameters)) {
      if (value !== undefined && !PLAIN_READ.has(name)) return read();
    }
    await this.toLatestBlock();
    const abi = parameters.abi as Abi;
    let kept = this.decoded.get(abi);
    if (!kept) this.decoded.set(abi, (kept = new Map()));
    const key = `${parameters.address}\n${parameters.functionName}\n${stringify(parameters.args ?? [])}`;
    return this.reuse(kept, key, () => read().then(frozen));
  }

  /** Learns the latest block; a newer one than the answers kept were for drops them all. */
  private async toLatestBlock(): Promise<void> {
    const block = await this.latestBlock();
    if (block > this.block) {
      this.block = block;
      this.kept = new Map();
      this.decoded = new WeakMap();
    }
  }

  /** The answer kept under `key` for this block if not older than maxAgeMs, else `ask()`'s, kept unless it fails. */
  private reuse(kept: Map<string, Kept>, key: string, ask: () => Promise<unknown>): Promise<unknown> {
    const now = this.now();
    const hit = kept.get(key);
    if (hit && now - hit.at <= this.maxAgeMs) return hit.answer;
    const answer = ask();
    if (kept.size >= this.maxEntries) kept.delete(kept.keys().next().value!);
    kept.set(key, { answer, at: now });
    answer.catch(() => {
      if (kept.get(key)?.answer === answer) kept.delete(key);
    });
    return answer;
  }

  /**
   * The latest block number from a call started after this one was asked for: the call in flight
   * began earlier (it may predate a block the caller already knows of), so a caller arriving while
   * it runs waits for the next one, which every such caller shares.
   */
  private latestBlock(): Promise<bigint> {
    // A call that started after the request arrived saw the chain as of then or later.
    if (this.last && this.last.startedAt > this.askedAt()) return this.last.block;
    if (this.queued) return this.queued;
    if (!this.running) return this.fetchBlock();
    const settled = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.queued = settled.then(() => {
      this.queued = undefined;
      return this.fetchBlock();
    });
    return this.queued;
  }

  private fetchBlock(): Promise<bigint> {
    this.blockNumberCalls++;
    const call = this.inner({ method: "eth_blockNumber" }).then((hex) => {
      const block = BigInt(hex as string);
      // Never backwards: a node behind the others does not make older answers current again.
      return block > this.block ? block : this.block;
    });
    this.running = call;
    const last = { startedAt: performance.now(), block: call };
    this.last = last;
    const done = () => {
      if (this.running === call) this.running = undefined;
    };
    call.then(done, () => {
      done();
      if (this.last === last) this.last = undefined;
    });
    return call;
  }
}

/** Contract arguments as one key: JSON with bigints, every string marked so that no bigint reads as one. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : typeof v === "string" ? `'${v}` : v,
  );
}

/** `value` frozen all the way down: one decoded answer serves every reader of its block. */
function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) frozen(inner);
  }
  return value;
}
