/**
 * `npm run bench:capacity`: what a four-validator QBFT network (deploy/besu) sustains and how fast
 * its storage grows. Writes bench/results/capacity.json; docs/capacity.md explains the figures.
 *
 * Inputs, all from the repository: gas per operation (bench/results/gas.json, `npm run bench:gas`),
 * block gas limit and block time (deploy/besu/genesis.template.json), the contracts' ABI (calldata
 * and event sizes), the envelope format (lib/crypto/envelope.ts, measured by sealing) and report
 * sizes (the MTSamples notes in ../shared/data). The storage model is stated in ASSUMPTIONS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  encodeAbiParameters,
  encodeFunctionData,
  keccak256,
  serializeTransaction,
  toHex as viemHex,
  toRlp,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Hex,
} from "viem";
import { utf8 } from "../lib/bytes";
import { generateDataKey, sealEnvelope } from "../lib/crypto/envelope";
import { newRecordId, type RecordIdentity } from "../lib/crypto/identity";
import { readTemplate } from "../scripts/lib/besu";

const ROOT = path.resolve(__dirname, "..");
const NOTES = path.resolve(ROOT, "..", "shared", "data", "notes", "mtsamples_dev.jsonl");
const DAY_SECONDS = 86_400;

/** What a record costs on top of its own write, in a typical clinical flow. Stated, not measured. */
const WORKFLOW = {
  /** Reads logged per record (a doctor opens it; `logAccess` precedes every key release). */
  logAccessPerRecord: 2,
  /** New consent grants per record (one grant covers many records of a patient). */
  grantAccessPerRecord: 0.5,
};

const ASSUMPTIONS = {
  validators: 4,
  /** A new storage slot in Besu's Bonsai flat database: account hash + slot hash + RLP value. Trie nodes come on top. */
  stateBytesPerNewSlot: 32 + 32 + 33,
  /** New slots written: Record (author, category, flags, block, supersedes) packs into one slot; Grant into one; logs only emit. */
  newSlots: { addRecord: 1, grantAccess: 1, logAccess: 0 },
  /** QBFT commits with a quorum of ceil(2n/3) seals of 65 bytes each in the header's extraData. */
  sealBytes: 65,
  /** Copies of each blob kept: instances of the private IPFS network (each pins every blob) or IPFS Cluster (replication factor). */
  ipfsReplicas: 2,
  /** blockstore-fs and Kubo's flatfs keep one file per block: at least one 4 KiB filesystem block. */
  fsBlockBytes: 4096,
  /** Pin record per blob in the datastore (key + JSON {sha256,size}). */
  pinRecordBytes: 200,
  /** A steady example load for the yearly figures besides the gas-bound maximum. */
  exampleRecordsPerDay: 10_000,
};

function median(sorted: number[]): number {
  return sorted[Math.floor(sorted.length / 2)];
}
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
const rlpLength = (value: Parameters<typeof toRlp>[0]) => (toRlp(value).length - 2) / 2;

/** A plausible value of each ABI type: CIDs are 59-character CIDv1 strings, as on-chain. */
function sampleValue(param: AbiParameter): unknown {
  if (param.type === "address") return "0x1234567890123456789012345678901234567890";
  if (param.type === "bytes32") return keccak256("0x01");
  if (param.type === "string") return `bafkrei${"a".repeat(52)}`;
  if (param.type === "bool") return true;
  if (param.type.startsWith("uint") || param.type.startsWith("int")) return 1n;
  if (param.type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    return Object.fromEntries(components.map((c) => [c.name, sampleValue(c)]));
  }
  throw new Error(`no sample for ${param.type}`);
}

/** Bytes of one signed legacy transaction at gas price 0 calling `fn`. */
function txBytes(abi: Abi, fn: string): number {
  const item = abi.find((i) => i.type === "function" && i.name === fn) as unknown as { inputs: AbiParameter[] };
  const data = encodeFunctionData({ abi, functionName: fn, args: item.inputs.map(sampleValue) } as never);
  const signed = serializeTransaction(
    {
      chainId: 20260,
      nonce: 1000,
      gasPrice: 0n,
      gas: 200_000n,
      to: "0x1234567890123456789012345678901234567890",
      data,
      value: 0n,
    },
    { r: keccak256("0x02"), s: keccak256("0x03"), v: 40555n },
  );
  return (signed.length - 2) / 2;
}

/** Bytes of a receipt (status, cumulative gas, bloom, the logs these events make). */
function receiptBytes(abi: Abi, events: string[]): number {
  const logs = events.map((name) => {
    const event = abi.find((i) => i.type === "event" && i.name === name) as AbiEvent;
    const topics = [keccak256("0x"), ...event.inputs.filter((i) => i.indexed).map(() => keccak256("0x04"))];
    const plain = event.inputs.filter((i) => !i.indexed);
    const data = encodeAbiParameters(plain, plain.map(sampleValue) as never);
    return ["0x1234567890123456789012345678901234567890", topics, data] as [Hex, Hex[], Hex];
  });
  return rlpLength(["0x01", viemHex(5_000_000), `0x${"00".repeat(256)}`, logs]);
}

/** Bytes of one QBFT block header (Cancun fields, extraData with validators and quorum seals). */
function headerBytes(validators: number): number {
  const h = keccak256("0x05");
  const quorum = Math.ceil((2 * validators) / 3);
  const extra = toRlp([
    `0x${"00".repeat(32)}`,
    Array.from({ length: validators }, () => "0x1234567890123456789012345678901234567890" as Hex),
    [],
    "0x00000001",
    Array.from({ length: quorum }, () => `0x${"11".repeat(ASSUMPTIONS.sealBytes)}` as Hex),
  ]);
  return rlpLength([
    h,
    h,
    "0x1234567890123456789012345678901234567890",
    h,
    h,
    h,
    `0x${"00".repeat(256)}`,
    "0x01",
    viemHex(15_768_000),
    viemHex(30_000_000),
    viemHex(15_000_000),
    viemHex(1_800_000_000),
    extra,
    h,
    "0x0000000000000000",
    "0x",
    h,
    "0x",
    "0x",
    h,
  ]);
}

async function envelopeSizes(): Promise<{ overhead: number; report: number[]; summary: number[]; plain: number[] }> {
  const identity = (part: "report" | "summary"): RecordIdentity => ({
    chainId: 20260,
    contract: "0x1234567890123456789012345678901234567890",
    patient: "0x1234567890123456789012345678901234567890",
    recordId: newRecordId(),
    category: 2,
    part,
  });
  const key = generateDataKey();
  const overhead = (
    await sealEnvelope(new Uint8Array(0), key, identity("report"), { mediaType: "text/plain", compress: "never" })
  ).length;
  const report: number[] = [];
  const summary: number[] = [];
  const plain: number[] = [];
  if (!existsSync(NOTES)) throw new Error(`${NOTES} not found (the shared data folder beside the repository).`);
  for (const line of readFileSync(NOTES, "utf8").split("\n").filter(Boolean)) {
    const note = JSON.parse(line) as { transcription?: string; description?: string };
    if (!note.transcription) continue;
    const text = utf8(note.transcription);
    plain.push(text.length);
    report.push((await sealEnvelope(text, key, identity("report"), { mediaType: "text/plain" })).length);
    summary.push(
      (await sealEnvelope(utf8(note.description ?? ""), key, identity("summary"), { mediaType: "text/plain" })).length,
    );
  }
  for (const list of [report, summary, plain]) list.sort((a, b) => a - b);
  return { overhead, report, summary, plain };
}

async function main(): Promise<void> {
  const gas = JSON.parse(readFileSync(path.join(ROOT, "bench", "results", "gas.json"), "utf8")) as Record<
    string,
    number
  >;
  const abi = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "contracts", "EhrCore.sol", "EhrCore.json"), "utf8"))
    .abi as Abi;
  const genesis = readTemplate();
  const blockGasLimit = Number(genesis.gasLimit);
  const blockSeconds = genesis.config.qbft.blockperiodseconds;
  const blocksPerDay = DAY_SECONDS / blockSeconds;
  const gasPerDay = blockGasLimit * blocksPerDay;

  const perRecordGas =
    gas.addRecord + WORKFLOW.logAccessPerRecord * gas.logAccess + WORKFLOW.grantAccessPerRecord * gas.grantAccess;
  const chainBytes = {
    addRecord: txBytes(abi, "addRecord") + receiptBytes(abi, ["RecordAdded"]),
    logAccess: txBytes(abi, "logAccess") + receiptBytes(abi, ["RecordAccessed"]),
    grantAccess: txBytes(abi, "grantAccess") + receiptBytes(abi, ["ConsentGranted"]),
  };
  const historyPerRecord =
    chainBytes.addRecord +
    WORKFLOW.logAccessPerRecord * chainBytes.logAccess +
    WORKFLOW.grantAccessPerRecord * chainBytes.grantAccess;
  const statePerRecord =
    ASSUMPTIONS.stateBytesPerNewSlot *
    (ASSUMPTIONS.newSlots.addRecord + WORKFLOW.grantAccessPerRecord * ASSUMPTIONS.newSlots.grantAccess);
  const header = headerBytes(ASSUMPTIONS.validators);

  const env = await envelopeSizes();
  const reportMedian = median(env.report);
  const summaryMedian = median(env.summary);
  const ipfsLogical = reportMedian + summaryMedian + 2 * ASSUMPTIONS.pinRecordBytes;
  const fsRound = (n: number) => Math.ceil(n / ASSUMPTIONS.fsBlockBytes) * ASSUMPTIONS.fsBlockBytes;
  const ipfsOnDisk = fsRound(reportMedian) + fsRound(summaryMedian) + 2 * ASSUMPTIONS.pinRecordBytes;

  const maxRecordsPerDay = Math.floor(gasPerDay / perRecordGas);
  const perYear = (recordsPerDay: number) => {
    const records = recordsPerDay * 365;
    const emptyBlockBytes = header * blocksPerDay * 365;
    return {
      records,
      chainHistoryGB: (records * historyPerRecord + emptyBlockBytes) / 1e9,
      chainStateGB: (records * statePerRecord) / 1e9,
      ipfsLogicalGBPerCopy: (records * ipfsLogical) / 1e9,
      ipfsOnDiskGBAllCopies: (records * ipfsOnDisk * ASSUMPTIONS.ipfsReplicas) / 1e9,
    };
  };
  const round = (n: number, d = 2) => Number(n.toFixed(d));
  const result = {
    network: {
      validators: ASSUMPTIONS.validators,
      blockGasLimit,
      blockSeconds,
      blocksPerDay,
      gasPerSecond: blockGasLimit / blockSeconds,
    },
    gasPerOperation: { addRecord: gas.addRecord, logAccess: gas.logAccess, grantAccess: gas.grantAccess },
    workflow: WORKFLOW,
    perDay: {
      addRecordOnly: Math.floor(gasPerDay / gas.addRecord),
      logAccessOnly: Math.floor(gasPerDay / gas.logAccess),
      grantAccessOnly: Math.floor(gasPerDay / gas.grantAccess),
      recordsWithWorkflow: maxRecordsPerDay,
      transactionsPerSecondWithWorkflow: round(
        (maxRecordsPerDay * (1 + WORKFLOW.logAccessPerRecord + WORKFLOW.grantAccessPerRecord)) / DAY_SECONDS,
        1,
      ),
    },
    bytes: {
      transactionAndReceipt: chainBytes,
      chainHistoryPerRecordWithWorkflow: round(historyPerRecord, 0),
      chainStatePerRecordWithWorkflow: round(statePerRecord, 0),
      blockHeader: header,
      emptyBlocksPerYearGB: round((header * blocksPerDay * 365) / 1e9),
      envelopeOverhead: env.overhead,
      reportPlaintext: { median: median(env.plain), p90: percentile(env.plain, 0.9), notes: env.plain.length },
      reportEnvelope: {
        median: reportMedian,
        p90: percentile(env.report, 0.9),
        max: env.report[env.report.length - 1],
      },
      summaryEnvelope: { median: summaryMedian },
      ipfsPerRecordLogical: ipfsLogical,
      ipfsPerRecordOnDiskPerCopy: ipfsOnDisk,
    },
    perYear: {
      atGasLimit: Object.fromEntries(Object.entries(perYear(maxRecordsPerDay)).map(([k, v]) => [k, round(v)])),
      [`at${ASSUMPTIONS.exampleRecordsPerDay}RecordsPerDay`]: Object.fromEntries(
        Object.entries(perYear(ASSUMPTIONS.exampleRecordsPerDay)).map(([k, v]) => [k, round(v)]),
      ),
    },
    assumptions: ASSUMPTIONS,
  };
  const out = path.join(ROOT, "bench", "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "capacity.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
