/**
 * `npm run bench:chain`: what the local chain's durability costs (scripts/lib/chain.ts: a journaling
 * JSON-RPC front before anvil, every change fsync'd before it is answered, replayed after kill -9).
 *
 * In one run, on one chain: a transaction's latency (signed locally, eth_sendRawTransaction, then
 * its receipt) and a read's (eth_call) through the front against straight to anvil's own port,
 * alternated so both see the same machine; the front's transaction latency again while loops of
 * nonce-gap transactions run against it (refused, they must not slow it); a state dump's time and size with `RECORDS` records; the
 * start after kill -9 with `JOURNALED` journaled transactions to replay, against a start from a
 * dump alone. Writes bench/results/chain.json. The machine is shared while this runs: compare the
 * two columns of one run, not runs with each other.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type BaseWallet,
  JsonRpcProvider,
  Wallet,
  NonceManager,
  parseEther,
  keccak256,
  toUtf8Bytes,
  type TransactionRequest,
} from "ethers";
import { EhrCore__factory, type EhrCore } from "../typechain-types";
import { deploySystem } from "../scripts/lib/deploy";
import { startChain } from "../scripts/lib/chain";
import { generateUserKey } from "../lib/keys/userKeyPair";

const PATIENTS = Number(process.env.BENCH_CHAIN_PATIENTS ?? 100);
const RECORDS_PER_PATIENT = 10;
const RECORDS = PATIENTS * RECORDS_PER_PATIENT;
const SAMPLES = Number(process.env.BENCH_CHAIN_SAMPLES ?? 200);
const JOURNALED = Number(process.env.BENCH_CHAIN_JOURNALED ?? 300);
/** Transactions timed while `GAP_LOOPS` loops send nonce-gap transactions at the front. */
const FLOOD_SAMPLES = 50;
const GAP_LOOPS = 4;
const DEV_ADMIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const CHAIN_ID = 31337n;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-bench-chain-"));
  let chain = await startChain({ dataDir, port: 0, stateInterval: 3600, developmentCalls: true });
  try {
    const front = new JsonRpcProvider(chain.url, Number(CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
    front.pollingInterval = 20;
    const admin = new NonceManager(new Wallet(DEV_ADMIN_KEY, front));
    const { core } = await deploySystem(admin);
    const coreAddress = (await core.getAddress()) as string;

    // The state: patients with records, all through the front (so the journal and the dump hold them).
    console.log(`Writing ${PATIENTS} patients with ${RECORDS_PER_PATIENT} records each...`);
    const patients = Array.from({ length: PATIENTS }, () => Wallet.createRandom());
    const started = Date.now();
    for (const patient of patients) {
      await front.send("anvil_setBalance", [patient.address, `0x${parseEther("10").toString(16)}`]);
      const txs = [registerTx(core, 0)];
      for (let r = 0; r < RECORDS_PER_PATIENT; r++) txs.push(recordTx(core, patient.address, r + 1));
      for (const tx of txs) await sendRaw(front, patient, tx);
    }
    console.log(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await chain.save();

    // Latency: the same kind of transaction and read, alternating front and anvil's own port.
    const direct = new JsonRpcProvider(chain.upstreamUrl, Number(CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
    const viaFront = Wallet.createRandom();
    const straight = Wallet.createRandom();
    for (const w of [viaFront, straight]) await front.send("anvil_setBalance", [w.address, "0x56bc75e2d63100000"]);
    const reader = EhrCore__factory.connect(coreAddress, front);
    const callData = reader.interface.encodeFunctionData("recordCount", [patients[0].address]);
    const times = {
      frontTx: [] as number[],
      directTx: [] as number[],
      frontRead: [] as number[],
      directRead: [] as number[],
    };
    console.log(`Measuring ${SAMPLES} transactions and reads each way...`);
    for (let i = 0; i < SAMPLES; i++) {
      const transfer = (nonce: number): TransactionRequest => ({
        to: patients[0].address,
        value: 1n,
        nonce,
        gasLimit: 21_000n,
      });
      times.frontTx.push(await timeTx(front, viaFront, transfer(i)));
      times.directTx.push(await timeTx(direct, straight, transfer(i)));
      times.frontRead.push(await timed(() => front.call({ to: coreAddress, data: callData })));
      times.directRead.push(await timed(() => direct.call({ to: coreAddress, data: callData })));
    }
    direct.destroy();

    // The same transactions through the front while loops of nonce-gap transactions (future nonces
    // of funded accounts) run against it: the front refuses those, so the figure stays the front's.
    console.log(`Measuring ${FLOOD_SAMPLES} transactions while ${GAP_LOOPS} loops send nonce-gap transactions...`);
    const flooders = Array.from({ length: GAP_LOOPS }, () => Wallet.createRandom());
    for (const w of flooders) await front.send("anvil_setBalance", [w.address, "0x56bc75e2d63100000"]);
    let flooding = true;
    const gapAnswers = { refused: 0, accepted: 0 };
    const flood = async (w: BaseWallet, provider: JsonRpcProvider) => {
      for (let far = 1000; flooding; far++) {
        try {
          await sendRaw(provider, w, { to: patients[0].address, value: 1n, nonce: far, gasLimit: 21_000n });
          gapAnswers.accepted++;
        } catch {
          gapAnswers.refused++;
        }
      }
    };
    // Its own connection per loop (no batch shared with the measured transactions).
    const floodProviders = flooders.map(
      () => new JsonRpcProvider(chain.url, Number(CHAIN_ID), { staticNetwork: true, batchMaxCount: 1 }),
    );
    const floods = flooders.map((w, i) => flood(w, floodProviders[i]));
    const underFlood: number[] = [];
    for (let i = 0; i < FLOOD_SAMPLES; i++) {
      underFlood.push(
        await timeTx(front, viaFront, { to: patients[0].address, value: 1n, nonce: SAMPLES + i, gasLimit: 21_000n }),
      );
    }
    flooding = false;
    await Promise.all(floods);
    for (const provider of floodProviders) provider.destroy();
    const nextNonce = SAMPLES + FLOOD_SAMPLES;

    // What a dump costs at this size (the front takes one every 5 s when something changed).
    const dumps: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sendRaw(front, viaFront, { to: patients[0].address, value: 1n, nonce: nextNonce + i, gasLimit: 21_000n });
      dumps.push(await timed(() => chain.save()));
    }
    const stateBytes = fs.statSync(chain.stateFile).size;

    // A journal to replay: JOURNALED records after the last dump, then kill -9 and a start.
    console.log(`Journaling ${JOURNALED} records, kill -9, restart...`);
    const writer = patients[1];
    for (let i = 0; i < JOURNALED; i++)
      await sendRaw(front, writer, recordTx(core, writer.address, RECORDS_PER_PATIENT + 1 + i));
    const journalBytes = fs.statSync(chain.journalFile).size;
    const before = await EhrCore__factory.connect(coreAddress, front).recordCount(writer.address);
    front.destroy();
    process.kill(chain.pid, "SIGKILL");
    await chain.exited;
    let replayStart = Date.now();
    chain = await startChain({ dataDir, port: 0, stateInterval: 3600, developmentCalls: true });
    const replayMs = Date.now() - replayStart;
    const replay = chain.replay;
    const check = new JsonRpcProvider(chain.url, Number(CHAIN_ID), { staticNetwork: true });
    const count = await EhrCore__factory.connect(coreAddress, check).recordCount(writer.address);
    check.destroy();
    // Every record was confirmed before the kill (the setup's ten and the journaled ones): all must be
    // there the moment the restarted chain answers.
    const expected = BigInt(RECORDS_PER_PATIENT + JOURNALED);
    if (before !== expected || count !== expected) {
      throw new Error(
        `The replay lost records: ${count} after the restart, ${before} before the kill, ${expected} written.`,
      );
    }
    await chain.stop();
    replayStart = Date.now();
    chain = await startChain({ dataDir, port: 0, stateInterval: 3600, developmentCalls: true });
    const cleanStartMs = Date.now() - replayStart;

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, shared: true },
      method:
        "Transactions: locally signed value transfers, eth_sendRawTransaction then eth_getTransactionReceipt until present; reads: eth_call recordCount. Front and anvil's own port alternate, on the same chain in the same run.",
      state: { records: RECORDS, patients: PATIENTS, stateFileBytes: stateBytes },
      transactionMs: { front: summary(times.frontTx), direct: summary(times.directTx) },
      readMs: { front: summary(times.frontRead), direct: summary(times.directRead) },
      transactionMsUnderNonceGapFlood: {
        loops: GAP_LOOPS,
        front: summary(underFlood),
        gapTransactions: gapAnswers,
      },
      dumpMs: summary(dumps),
      restartAfterKill: {
        journaledTransactions: JOURNALED,
        journalBytes,
        replayed: replay.replayed,
        diverged: replay.diverged.length,
        startWithReplayMs: replayMs,
        startFromDumpOnlyMs: cleanStartMs,
      },
    };
    fs.mkdirSync(path.join(__dirname, "results"), { recursive: true });
    fs.writeFileSync(path.join(__dirname, "results", "chain.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function registerTx(core: EhrCore, nonce: number): TransactionRequest {
  const data = core.interface.encodeFunctionData("registerPatient", [
    generateUserKey().publicKey,
    keccak256(toUtf8Bytes(`backup ${nonce}`)),
  ]);
  return { to: core.target as string, data, nonce, gasLimit: 500_000n };
}

function recordTx(core: EhrCore, patient: string, nonce: number): TransactionRequest {
  const data = core.interface.encodeFunctionData("addRecord", [
    patient,
    {
      category: 1,
      envelopeHash: keccak256(toUtf8Bytes(`${patient} ${nonce}`)),
      cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
      summaryHash: `0x${"00".repeat(32)}`,
      summaryCid: "",
    },
  ]);
  return { to: core.target as string, data, nonce, gasLimit: 500_000n };
}

/** Signs locally (fixed gas and fees: no estimate round trips) and sends; resolves with the hash. */
async function sendRaw(provider: JsonRpcProvider, wallet: BaseWallet, tx: TransactionRequest): Promise<string> {
  const raw = await wallet.signTransaction({
    type: 2,
    chainId: CHAIN_ID,
    maxFeePerGas: 10_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
    ...tx,
  });
  return (await provider.send("eth_sendRawTransaction", [raw])) as string;
}

/** Send, then the receipt: what a client waits for before it reports "confirmed". */
async function timeTx(provider: JsonRpcProvider, wallet: BaseWallet, tx: TransactionRequest): Promise<number> {
  return timed(async () => {
    const hash = await sendRaw(provider, wallet, tx);
    while (!(await provider.send("eth_getTransactionReceipt", [hash]))) await new Promise((r) => setTimeout(r, 1));
  });
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function summary(samples: number[]): { median: number; p95: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2));
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
