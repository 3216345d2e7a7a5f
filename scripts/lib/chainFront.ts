import http from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import fs from "node:fs";
import { postJson } from "../../lib/chain/nodeHttpTransport.node";
import { ChainJournal, writeFileDurably, type JournalEntry } from "./chainJournal";

/**
 * The JSON-RPC front of the local chain: a small node:http proxy on the public chain port, anvil on
 * an internal one. Every request that changes the chain (a transaction, or a development call such
 * as anvil_setBalance) goes through one at a time and is appended to an fsync'd journal before it is
 * answered; no read is answered while such a change is on its way to the journal. So whatever a
 * client has seen (a transaction hash, a receipt, a block, a log) is on disk, and a restart after
 * kill -9 replays the journal on top of the last state dump (`replayJournal`). Dumps are taken by
 * the front (`anvil_dumpState`), written atomically with the journal position they hold, and then
 * let the journal drop what they cover.
 *
 * Nothing a client sends can hold that lock for long. A transaction whose nonce is ahead of its
 * account's next one (a nonce gap) would sit in anvil's pool, unmined, while the front waited for
 * it; it is taken out of the pool and refused instead (see `writeNow`). Bodies are read before the lock is
 * taken, within `REQUEST_TIMEOUT_MS`, and bounded (`MAX_BODY_BYTES`, `MAX_BATCH_CALLS`).
 *
 * Nor can a stranger rewrite the chain. The port is open to every local process and, through the
 * browser, to every page the user opens, so by default only `PUBLIC_METHODS` pass (reads and
 * transactions their sender signed; each call of a batch is judged alone), eth_accounts offers no
 * account, a body must be sent as application/json (a page can POST text/plain anywhere without a
 * CORS preflight), and only the dApp's origins may read answers. Test stacks turn on
 * `developmentCalls` to move time, fund accounts and mine.
 */
export interface ChainFront {
  /** The port the front listens on (the public chain port). */
  port: number;
  /** Writes a state dump if anything changed since the last one and compacts the journal. */
  dump(): Promise<void>;
  /** Stops listening and drops open connections (anvil itself is the caller's). */
  close(): Promise<void>;
}

export interface FrontOptions {
  host: string;
  port: number;
  /** anvil's own JSON-RPC URL (internal port). */
  upstream: string;
  journal: ChainJournal;
  stateFile: string;
  /** The journal position the state file on disk holds (a start's replay is not in it yet). */
  covered: number;
  /**
   * Journal entries of transactions that may not be mined yet (on a start: every transaction the
   * journal holds, as the replay may have left some in anvil's pool). A dump keeps them in the journal
   * until one sees them mined.
   */
  unmined: JournalEntry[];
  /** Called when a change could not be journaled: the chain must stop rather than run ahead of its disk. */
  onJournalFailure(error: unknown): void;
  /**
   * Pass every method to anvil, development calls included (anvil_setCode, evm_increaseTime,
   * eth_sendTransaction from its unlocked accounts...). Off, only `PUBLIC_METHODS` are answered.
   * @default false
   */
  developmentCalls?: boolean;
  /**
   * The web origins whose pages may read the answers (CORS), or "*" for any.
   * @default DEFAULT_ORIGINS
   */
  origins?: readonly string[] | "*";
}

interface RpcCall {
  jsonrpc?: string;
  id?: unknown;
  method: string;
  params?: unknown[];
}
interface RpcResponse {
  jsonrpc: "2.0";
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The largest request body the front reads (a raw transaction is a few KiB; ethers batches up to 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The most calls one batch may hold (ethers' default batch size). */
export const MAX_BATCH_CALLS = 100;
/**
 * How long a transaction with a nonce gap waits, outside the lock, for its account's earlier nonces
 * (two sends of one account racing over two connections) before it is refused.
 */
export const NONCE_GAP_GRACE_MS = 1000;
/** At most this many gapped transactions wait at once; past it, one is refused without a wait. */
const MAX_GAP_WAITERS = 64;
/** A request's headers and body must arrive within this (Node's default is five minutes). */
const REQUEST_TIMEOUT_MS = 15_000;

/** The dApp's origins under `npm start` (the default web port). */
export const DEFAULT_ORIGINS: readonly string[] = ["http://127.0.0.1:5173", "http://localhost:5173"];

/**
 * What a wallet (MetaMask), the dApp (wagmi/viem), ethers, the Hardhat tasks (which sign locally)
 * and the service call: reads, filters, and transactions signed by their sender. Everything else
 * (anvil_*, evm_*, hardhat_*, debug_*, txpool_*, and eth_sendTransaction or eth_sign* with anvil's
 * unlocked dev accounts) would let any local process, or any web page the user opens, rewrite the
 * chain or act as a dev account; it is refused unless `developmentCalls` is on.
 */
export const PUBLIC_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId",
  "eth_blockNumber",
  "eth_call",
  "eth_estimateGas",
  "eth_createAccessList",
  "eth_simulateV1",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getProof",
  "eth_getTransactionCount",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getBlockReceipts",
  "eth_getBlockTransactionCountByNumber",
  "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash",
  "eth_getTransactionByBlockNumberAndIndex",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionReceipt",
  "eth_getLogs",
  "eth_newFilter",
  "eth_newBlockFilter",
  "eth_newPendingTransactionFilter",
  "eth_getFilterChanges",
  "eth_getFilterLogs",
  "eth_uninstallFilter",
  "eth_feeHistory",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_blobBaseFee",
  "eth_syncing",
  "eth_accounts",
  "eth_sendRawTransaction",
  "eth_sendRawTransactionSync",
  "net_version",
  "net_listening",
  "web3_clientVersion",
]);

/** Development calls that only read (everything else under these prefixes changes the chain). */
const DEV_READS = /^(anvil|hardhat)_(nodeInfo|metadata|getAutomine|getIntervalMining|dumpState|get[A-Z]\w*)$/;

/** Whether a JSON-RPC method changes the chain's state, so it must be journaled. */
export function changesState(method: string): boolean {
  if (/^eth_send(Raw)?Transaction(Sync)?$/.test(method)) return true;
  return /^(evm|anvil|hardhat)_/.test(method) && !DEV_READS.test(method);
}

/** Listens on `host:port` in front of anvil; rejects with one sentence when the port is taken. */
export async function startFront(options: FrontOptions): Promise<ChainFront> {
  const { upstream, journal, stateFile } = options;
  const writes = new Mutex();
  /** Settles once the change now on its way to the journal is there (undefined when none is). */
  let journaling: Promise<void> | undefined;
  let dumpedSeq = options.covered;
  /**
   * Journaled transactions not seen mined yet, by journal position. anvil answers
   * eth_sendRawTransaction when the transaction is in its pool, and mines it a moment later (or not
   * at all without automine): a dump taken meanwhile lacks it, so the journal
   * must keep its entry even though the dump's position is past it.
   */
  const unmined = new Map<number, string>();
  for (const entry of options.unmined) if (entry.hash) unmined.set(entry.seq, entry.hash);
  let dumping: Promise<void> | undefined;

  const gapWaiters = new NonceWaiters();

  /**
   * One change, under the lock. A transaction that anvil queues behind a nonce gap is taken out of
   * its pool again and not journaled: the front would otherwise wait for its receipt under this
   * lock, holding up every other write and read (a stranger's loop of them stalled all writes
   * ~2.3 s each). On a permissioned chain nobody needs a queued transaction, and refusing keeps
   * anvil's pool and the journal free of it (journaling it without a wait would let anyone grow
   * both without bound). anvil, not the front, recovers the sender: a signature recovery in
   * JavaScript would cost this one thread milliseconds per request.
   */
  const writeNow = async (call: RpcCall): Promise<RpcResponse | NonceGap> => {
    let done!: () => void;
    journaling = new Promise<void>((resolve) => (done = resolve));
    try {
      const sends = call.method.startsWith("eth_send");
      const before = sends ? undefined : await blockNumber(upstream);
      // The *Sync variants would have anvil wait for the receipt itself (30 s for a queued one).
      const sync = call.method.endsWith("Sync");
      const response = await post(upstream, sync ? { ...call, method: call.method.slice(0, -4) } : call);
      if (response.error) return response;
      let receipt: Receipt | null = null;
      // From here anvil holds the change: whatever goes wrong before it is journaled stops the chain.
      try {
        let entry: Omit<JournalEntry, "seq">;
        if (sends) {
          const hash = response.result as string;
          const sent = await inspectSent(upstream, hash);
          // Only when the account has nothing else in the pool: removal takes all of its transactions.
          if (sent.gap?.alone) {
            await rpc(upstream, "anvil_removePoolTransactions", [sent.sender]);
            return { sender: sent.sender, nonce: sent.gap.nonce, next: sent.gap.next };
          }
          receipt = sent.receipt;
          entry = await describeTransaction(upstream, call, hash, receipt);
          gapWaiters.wake(sent.sender);
        } else {
          entry = await describeDevCall(upstream, call, before!);
          // A development call (anvil_setNonce...) may have moved anyone's next nonce.
          gapWaiters.wakeAll();
        }
        const appended = journal.append(entry);
        if (appended.hash && appended.block === undefined) unmined.set(appended.seq, appended.hash);
      } catch (error) {
        options.onJournalFailure(error);
        return rpcError(call, -32603, "The chain could not record the change on disk.");
      }
      if (!sync) return response;
      // EIP-7966: the receipt, or error 4 with the hash when it is not mined (automine off).
      return receipt
        ? { ...response, result: receipt }
        : {
            jsonrpc: "2.0",
            id: call.id,
            error: { code: 4, message: "The transaction is not mined yet.", data: response.result },
          };
    } finally {
      journaling = undefined;
      done();
    }
  };

  /**
   * A change: through the lock at once, unless its nonce is ahead of its account's. Then it waits
   * (outside the lock, so it holds up no one) until that account's next write or the grace ends,
   * and tries again; still ahead after the grace, it is refused with geth's "nonce too high".
   */
  const write = async (call: RpcCall): Promise<RpcResponse> => {
    const deadline = Date.now() + NONCE_GAP_GRACE_MS;
    for (;;) {
      const outcome = await writes.run(() => writeNow(call));
      if (!("next" in outcome)) return outcome;
      const left = deadline - Date.now();
      if (left <= 0 || gapWaiters.size >= MAX_GAP_WAITERS) {
        return rpcError(
          call,
          -32000,
          `nonce too high: the account's next nonce is ${outcome.next}, this transaction's is ${outcome.nonce}; send the ones before it first.`,
        );
      }
      await gapWaiters.wait(outcome.sender, left);
    }
  };

  /** Waits until no change is between anvil and the journal: a read's answer may show it. */
  const settled = async () => {
    while (journaling) await journaling;
  };

  const server = http.createServer(
    // The whole request within seconds, checked every second (Node's defaults: 5 min, checked every 30 s).
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    (req, res) => {
      void handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(502, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "The chain is not reachable." } }),
        );
      });
    },
  );

  const developmentCalls = options.developmentCalls ?? false;
  const origins = options.origins ?? DEFAULT_ORIGINS;
  /** CORS: only an allowed page may read the answers (a wallet extension or a process is not held by it). */
  const cors = (req: http.IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (origin === undefined || (origins !== "*" && !origins.includes(origin))) return { Vary: "Origin" };
    return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
  };
  /**
   * The front's own answer to a call it does not pass on: with development calls off, a refusal of
   * any method outside `PUBLIC_METHODS`, and no accounts (anvil's dev accounts are not offered).
   */
  const answerHere = (call: RpcCall): RpcResponse | undefined => {
    if (developmentCalls) return undefined;
    if (call.method === "eth_accounts") return { jsonrpc: "2.0", id: call.id, result: [] };
    if (PUBLIC_METHODS.has(call.method)) return undefined;
    return rpcError(
      call,
      -32601,
      "This method is not available: the chain takes reads and signed transactions only (development calls are off).",
    );
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === "OPTIONS") return preflight(req, res, cors(req));
    if (req.method !== "POST") {
      return refuse(res, 405, cors(req), "The chain answers JSON-RPC over POST only.", { Allow: "POST, OPTIONS" });
    }
    // A page may POST text/plain or a form anywhere without asking first (no CORS preflight).
    if (!isJson(req.headers["content-type"])) {
      return refuse(res, 415, cors(req), "The request must be JSON (Content-Type: application/json).");
    }
    // Read whole before any lock is taken: a slow client holds only its own connection.
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) {
      return refuse(res, 413, cors(req), `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
    }
    const parsed = parseJson(body);
    if (Array.isArray(parsed) && parsed.length > MAX_BATCH_CALLS) {
      return refuse(res, 413, cors(req), `batch too large: at most ${MAX_BATCH_CALLS} calls in one batch.`, {}, true);
    }
    const calls = toCalls(parsed);
    if (!calls) {
      const [code, message] =
        parsed === undefined ? [-32700, "The request is not valid JSON."] : [-32600, "The request is not JSON-RPC."];
      res.writeHead(200, { "Content-Type": "application/json", ...cors(req) });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }));
      return;
    }
    if (!calls.some((call) => changesState(call.method) || answerHere(call))) {
      // Reads pass through as one request, re-serialized: anvil sees exactly the calls judged here.
      const answer = await toAnvil(upstream, JSON.stringify(parsed));
      await settled();
      res.writeHead(answer.status, { "Content-Type": "application/json", ...cors(req) });
      res.end(answer.body);
      return;
    }
    // Each call of a batch judged alone: a refused one is answered with its error, the others run.
    const answers: RpcResponse[] = [];
    for (const call of calls) {
      const here = answerHere(call);
      if (here) answers.push(here);
      else if (changesState(call.method)) answers.push(await write(call));
      else {
        const answer = await post(upstream, call);
        await settled();
        answers.push(answer);
      }
    }
    res.writeHead(200, { "Content-Type": "application/json", ...cors(req) });
    res.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `The chain port ${options.host}:${options.port} is already in use.`
            : `The chain front could not listen on ${options.host}:${options.port}: ${error.message}.`,
        ),
      );
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      resolve();
    });
  });

  const dumpNow = async () => {
    let hex = "";
    let seq = 0;
    let keep = new Set<number>();
    // No change runs while anvil dumps: the dump holds the journal up to `seq`, except transactions
    // still in anvil's pool. Those are asked for first: one mined now is in the dump that follows; one
    // not mined (or mined only during the dump) keeps its entry, and a replay skips it if the dump
    // has it after all.
    await writes.run(async () => {
      for (const [entrySeq, hash] of unmined) {
        if (await rpc(upstream, "eth_getTransactionReceipt", [hash])) unmined.delete(entrySeq);
      }
      keep = new Set(unmined.keys());
      hex = (await rpc(upstream, "anvil_dumpState", [])) as string;
      seq = journal.seq;
    });
    await writeState(stateFile, hex, seq);
    await writes.run(async () => journal.compact(seq, keep));
    dumpedSeq = seq;
  };

  return {
    port: (server.address() as { port: number }).port,
    async dump() {
      while (dumping) await dumping;
      if (journal.seq === dumpedSeq && fs.existsSync(stateFile)) return;
      dumping = dumpNow().finally(() => (dumping = undefined));
      await dumping;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

interface Receipt {
  from: string;
  blockNumber: string;
  status: string;
}

/** What anvil made of a transaction it accepted. */
interface SentTransaction {
  /** The sender, as anvil recovered it (lower case). */
  sender: string;
  /** Its receipt, once mined (with automine, after a bounded wait); null when it is not mined. */
  receipt: Receipt | null;
  /**
   * Set when anvil queued it behind a nonce gap: its nonce, the account's next one, and whether the
   * account has no other transaction waiting in the pool.
   */
  gap?: { nonce: number; next: number; alone: boolean };
}

/**
 * Mined, waiting to be mined (anvil answers from its pool and mines a moment later), or queued
 * behind a nonce gap (its nonce is past the account's next one, counting the pool's ready ones).
 */
async function inspectSent(upstream: string, hash: string): Promise<SentTransaction> {
  const mined = (await rpc(upstream, "eth_getTransactionReceipt", [hash])) as Receipt | null;
  if (mined) return { sender: mined.from.toLowerCase(), receipt: mined };
  const tx = (await rpc(upstream, "eth_getTransactionByHash", [hash])) as { from: string; nonce: string };
  const sender = tx.from.toLowerCase();
  const nonce = Number(tx.nonce);
  const next = Number(await rpc(upstream, "eth_getTransactionCount", [sender, "pending"]));
  if (nonce >= next) {
    const latest = Number(await rpc(upstream, "eth_getTransactionCount", [sender, "latest"]));
    return { sender, receipt: null, gap: { nonce, next, alone: latest === next } };
  }
  return { sender, receipt: await minedReceipt(upstream, hash) };
}

/** What the journal needs to redo a transaction: the raw transaction and where and when it was mined. */
async function describeTransaction(
  upstream: string,
  call: RpcCall,
  hash: string,
  receipt: Receipt | null,
): Promise<Omit<JournalEntry, "seq">> {
  const entry: Omit<JournalEntry, "seq"> = { method: call.method, params: call.params ?? [], hash };
  entry.raw = call.method.startsWith("eth_sendRaw")
    ? (call.params?.[0] as string)
    : ((await rpc(upstream, "eth_getRawTransactionByHash", [hash])) as string);
  // A transaction anvil has not mined (no automine) is replayed without a time.
  if (receipt) {
    entry.block = Number(receipt.blockNumber);
    entry.status = receipt.status;
    entry.timestamp = await blockTimestamp(upstream, entry.block);
  }
  return entry;
}

/** What the journal needs to redo a development call: the call, and the block it mined, if one. */
async function describeDevCall(
  upstream: string,
  call: RpcCall,
  blockBefore: number,
): Promise<Omit<JournalEntry, "seq">> {
  const entry: Omit<JournalEntry, "seq"> = { method: call.method, params: call.params ?? [] };
  const after = await blockNumber(upstream);
  if (after === blockBefore + 1) {
    entry.block = after;
    entry.timestamp = await blockTimestamp(upstream, after);
  }
  return entry;
}

/**
 * The receipt of a transaction anvil holds ready to mine; with automine on, waits (a bounded while,
 * the moment mining takes) for it, so that the journal records the block, time and status the
 * replay must match. Queued transactions never come here.
 */
async function minedReceipt(upstream: string, hash: string): Promise<Receipt | null> {
  if (!(await rpc(upstream, "anvil_getAutomine", []))) return null;
  let found: Receipt | null = null;
  for (let i = 0; i < 200 && !found; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, i < 20 ? 1 : 10));
    found = (await rpc(upstream, "eth_getTransactionReceipt", [hash])) as Receipt | null;
  }
  return found;
}

export interface ReplayReport {
  /** Journal entries redone on top of the state dump. */
  replayed: number;
  /** Entries the dump already held (their transaction was there). */
  skipped: number;
  /** One sentence per entry that did not end as it did the first time (these should not happen). */
  diverged: string[];
}

/**
 * Redoes the journal's entries on a freshly loaded chain, in order. Each block is mined at the
 * timestamp it had the first time (evm_setNextBlockTimestamp), so time rules (a grant's expiry, an
 * emergency window) judge the replay as they judged the original and it ends the same way; then the
 * clock is set back to now. An entry that now fails or ends with another status is reported, and
 * the replay goes on: the chain must come up, and the report names what to look at.
 */
export async function replayJournal(upstream: string, entries: JournalEntry[]): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, skipped: 0, diverged: [] };
  if (entries.length === 0) return report;
  let lastTimestamp = 0;
  for (const entry of entries) {
    if (entry.hash && (await rpc(upstream, "eth_getTransactionReceipt", [entry.hash]))) {
      report.skipped++;
      continue;
    }
    if (entry.timestamp !== undefined) {
      const latest = await blockTimestamp(upstream, "latest");
      if (entry.timestamp >= latest) {
        // A loaded anvil refuses times before its start; setting its clock back first lifts that.
        await rpc(upstream, "anvil_setTime", [entry.timestamp]);
        await rpc(upstream, "evm_setNextBlockTimestamp", [entry.timestamp]);
      }
      lastTimestamp = Math.max(lastTimestamp, entry.timestamp);
    }
    report.replayed++;
    try {
      if (!entry.raw) {
        await rpc(upstream, entry.method, entry.params);
        continue;
      }
      const hash = (await rpc(upstream, "eth_sendRawTransaction", [entry.raw])) as string;
      if (!entry.status) continue;
      const receipt = await waitForReceipt(upstream, hash);
      if (receipt?.status !== entry.status) {
        report.diverged.push(
          `Transaction ${hash} (journal #${entry.seq}) ended with status ${receipt?.status ?? "none"} on replay, ${entry.status} the first time.`,
        );
      }
    } catch (error) {
      report.diverged.push(
        `Journal #${entry.seq} (${entry.method}${entry.hash ? ` ${entry.hash}` : ""}) failed on replay: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // Back to the wall clock (evm_setNextBlockTimestamp moved anvil's clock to the replayed times).
  await rpc(upstream, "anvil_setTime", [Math.max(Math.floor(Date.now() / 1000), lastTimestamp)]);
  // The chain is not up before what was replayed is mined: a client reading at once must see its
  // transactions (anvil mines what it accepted a moment later). Without automine they stay pending,
  // as they were; a transaction behind a nonce gap is "queued", not "pending", and is not waited for.
  if (await rpc(upstream, "anvil_getAutomine", [])) {
    for (let i = 0; i < 1000; i++) {
      const pool = (await rpc(upstream, "txpool_status", [])) as { pending: string };
      if (Number(pool.pending) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return report;
}

/** The journal position a state file holds (0 for a dump written by anvil itself, or none). */
export function stateSeq(stateFile: string): number {
  let fd: number;
  try {
    fd = fs.openSync(stateFile, "r");
  } catch {
    return 0;
  }
  try {
    const head = Buffer.alloc(64);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    const match = /^\{"ehrJournalSeq":(\d+),/.exec(head.subarray(0, read).toString("latin1"));
    return match ? Number(match[1]) : 0;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes anvil's dump (hex of gzip'd JSON) as the JSON `--load-state` reads, with the journal
 * position it holds as its first field (anvil ignores fields it does not know), atomically and 0600.
 */
async function writeState(stateFile: string, hex: string, seq: number): Promise<void> {
  const packed = Buffer.from(hex.replace(/^0x/, ""), "hex");
  const json = packed[0] === 0x1f && packed[1] === 0x8b ? await promisify(zlib.gunzip)(packed) : packed;
  if (json[0] !== 0x7b) throw new Error("anvil's state dump is not a JSON object.");
  writeFileDurably(stateFile, Buffer.concat([Buffer.from(`{"ehrJournalSeq":${seq},`), json.subarray(1)]));
}

class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Kept-alive connections to anvil: every read a client sends passes through here, and node:http
 * costs a fraction of fetch's CPU per call (undici's WebAssembly parser and web streams were a
 * fifth of a 1 KB upload's main-thread time under `bench:api`, the front running in the service's
 * process as under `npm start`).
 */
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** POSTs a JSON body to anvil and reads the whole answer; rejects when anvil cannot be reached. */
const toAnvil = (url: string, body: string) => postJson(url, body, { agent: upstreamAgent });

let nextId = 1;
async function post(url: string, call: RpcCall): Promise<RpcResponse> {
  const answer = await toAnvil(
    url,
    JSON.stringify({ jsonrpc: "2.0", id: call.id ?? null, method: call.method, params: call.params ?? [] }),
  );
  return JSON.parse(answer.body.toString("utf8")) as RpcResponse;
}

/** One call to anvil; a JSON-RPC error becomes an Error with anvil's message. */
export async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await post(url, { method, params, id: nextId++ });
  if (response.error) throw new Error(response.error.message);
  return response.result;
}

async function blockNumber(url: string): Promise<number> {
  return Number(await rpc(url, "eth_blockNumber", []));
}

async function blockTimestamp(url: string, block: number | "latest"): Promise<number> {
  const tag = block === "latest" ? block : `0x${block.toString(16)}`;
  const header = (await rpc(url, "eth_getBlockByNumber", [tag, false])) as { timestamp: string };
  return Number(header.timestamp);
}

/** The receipt once anvil has mined the transaction (it takes milliseconds), null after about 5 s. */
async function waitForReceipt(url: string, hash: string): Promise<{ status: string } | null> {
  for (let i = 0; i < 150; i++) {
    const receipt = (await rpc(url, "eth_getTransactionReceipt", [hash])) as { status: string } | null;
    if (receipt) return receipt;
    // Every few milliseconds at first (a replay waits for each of its transactions in turn).
    await new Promise((resolve) => setTimeout(resolve, i < 50 ? 2 : 50));
  }
  return null;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The JSON-RPC calls of a parsed body; undefined when it is not JSON-RPC. */
function toCalls(parsed: unknown): RpcCall[] | undefined {
  if (parsed === undefined) return undefined;
  const calls = Array.isArray(parsed) ? parsed : [parsed];
  return calls.every((call) => typeof (call as RpcCall)?.method === "string") ? (calls as RpcCall[]) : undefined;
}

/**
 * The body as text; undefined once it passes `limit` bytes (declared or read), and then no more of
 * it is kept.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.off("data", onData);
        resolve(undefined);
      }
    };
    req.on("data", onData);
    req.on("end", () => resolve(size <= limit ? Buffer.concat(chunks).toString("utf8") : undefined));
    req.on("error", reject);
  });
}

/**
 * An HTTP refusal (413, 415, 405) with a JSON-RPC error (in a one-element array for a batch, as geth
 * answers "batch too large"). The connection closes after it: the rest of the body is not read.
 */
function refuse(
  res: http.ServerResponse,
  status: number,
  cors: Record<string, string>,
  message: string,
  headers: Record<string, string> = {},
  batch = false,
): void {
  const error: RpcResponse = { jsonrpc: "2.0", id: null, error: { code: -32600, message } };
  res.writeHead(status, { "Content-Type": "application/json", ...cors, ...headers, Connection: "close" });
  res.end(JSON.stringify(batch ? [error] : error));
}

/** A CORS preflight: an allowed origin may POST JSON; any other gets no Access-Control-Allow-Origin. */
function preflight(req: http.IncomingMessage, res: http.ServerResponse, cors: Record<string, string>): void {
  const allowed = "Access-Control-Allow-Origin" in cors;
  res.writeHead(204, {
    ...cors,
    ...(allowed && {
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "Content-Type",
      "Access-Control-Max-Age": "600",
    }),
  });
  res.end();
}

/** Whether a Content-Type names JSON (application/json, with or without parameters such as charset). */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0].trim().toLowerCase() === "application/json";
}

function rpcError(call: RpcCall, code: number, message: string): RpcResponse {
  return { jsonrpc: "2.0", id: call.id, error: { code, message } };
}

/** A transaction anvil queued behind a nonce gap (now out of its pool again): who, its nonce, the account's next. */
interface NonceGap {
  sender: string;
  nonce: number;
  next: number;
}

/**
 * The requests that wait for an account's earlier nonces, woken when a write of that account went
 * through (not on everyone's write: a stranger's waiters then cost no one else a thing).
 */
class NonceWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Resolves at the account's next write, or after `ms`. */
  wait(sender: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.waiting.get(sender);
      if (!waiters) this.waiting.set(sender, (waiters = new Set()));
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        if (set.delete(done)) this.count--;
        if (set.size === 0 && this.waiting.get(sender) === set) this.waiting.delete(sender);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      this.count++;
    });
  }

  wake(sender: string): void {
    for (const done of [...(this.waiting.get(sender) ?? [])]) done();
  }

  wakeAll(): void {
    for (const sender of [...this.waiting.keys()]) this.wake(sender);
  }
}
