/**
 * `npm run bench:scale [-- --scale 1x,10x]`: grows one anvil chain to 100 patients / 10 doctors /
 * 1,000 records (1x), then 10x, then 100x (10,000 / 1,000 / 100,000), each patient with grants, an
 * appointment and logged reads, and at each size measures: gas per operation on fresh accounts
 * (bench/lib/gasScenario.ts, the `bench:gas` scenario), a patient's first page of records and of
 * activity (for patients active after a gap of empty blocks, and for quiet ones whose page scans
 * back to the deployment), the service's start-up time and memory as its own process, the chain's
 * memory and state size. Real records (MTSamples notes, sealed by the real flow) stored in the service's Helia
 * store give the disk per 1,000 records. Writes bench/results/scale.json and scale-*.svg.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HDNodeWallet, JsonRpcProvider, Wallet, ZeroHash, hexlify, randomBytes } from "ethers";
import pino from "pino";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { startChain } from "../scripts/lib/chain";
import { deploySystem } from "../scripts/lib/deploy";
import { ehrCoreAbi } from "../deployments/contracts";
import type { Address, Hex } from "viem";
import { generateUserKey } from "../lib/keys/userKeyPair";
import { summarizeText } from "../lib/summary/summarizeText";
import { loadConfig } from "../offchain-api/config";
import { openServices } from "../offchain-api/services";
import { startApi } from "../offchain-api/index";
import { SHARED_DATA, sampleNote } from "../offchain-api/testing/clinicalSamples";
import { BUDGETS, SCENARIO_DOCTORS, SCENARIO_PATIENTS, measureGas } from "./lib/gasScenario";
import { createRpc } from "./lib/rpc";
import { benchAddress, createGrower, type History, type Population } from "./lib/scaleGrowth";
import {
  activityFirstPageMs,
  folderBytes,
  listFirstPageMs,
  loadReadAccessEvents,
  probeApi,
  rssOf,
  storeSampleRecords,
  type ApiProbe,
  type Spread,
} from "./lib/scaleProbes";
import { lineChart } from "./lib/svgChart";

const SCALES: Record<string, Population> = {
  "1x": { patients: 100, doctors: 10, records: 1_000 },
  "10x": { patients: 1_000, doctors: 100, records: 10_000 },
  "100x": { patients: 10_000, doctors: 1_000, records: 100_000 },
};
/** Real records sealed and stored through the service for the disk figure. */
const SAMPLE_RECORDS = 40;
/** Blob downloads made against the running service before its memory is read again. */
const API_READS = 200;
/** Empty blocks mined before the recent reads: time passing, more than the trail's first window. */
const GAP_BLOCKS = 100;
/** Reads logged for each recently active probe patient: one page of the activity trail. */
const RECENT_READS = 20;
/** anvil's and Hardhat's well-known development mnemonic: the local chain's admin. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const WEB_ORIGIN = "http://localhost:5173";
const OUT = path.join(__dirname, "results");
const MB = 1024 * 1024;

interface ScaleResult {
  history: History;
  growthSeconds: number;
  loadAverage: number[];
  gas: Record<string, number>;
  /** Load average (1, 5, 15 min) when the read probes ran. */
  probeLoadAverage: number[];
  listFirstPage: Spread;
  /** Patients with ACCESS_PAGE reads logged after a gap of GAP_BLOCKS empty blocks. */
  activityRecent: Spread & { events: number; blocksScanned: number };
  /** Patients whose only reads are in the grown history: the page scans back to the deployment. */
  activityQuiet: Spread & { events: number; blocksScanned: number };
  api: ApiProbe & { servicesStartupMs: number };
  anvilRssBytes: number;
  /** anvil_dumpState: the whole chain state, gzip-compressed as anvil writes it. */
  chainStateBytes: number;
}

function selectedScales(argv: string[]): string[] {
  const i = argv.indexOf("--scale");
  const names = i >= 0 ? (argv[i + 1] ?? "").split(",").filter(Boolean) : Object.keys(SCALES);
  for (const n of names)
    if (!SCALES[n]) throw new Error(`Unknown scale "${n}": use ${Object.keys(SCALES).join(", ")}.`);
  return Object.keys(SCALES).filter((n) => names.includes(n));
}

/** Real clinical notes (MTSamples) when ../shared/data is there, else the synthetic sample note. */
async function sampleRecords(n: number) {
  const file = path.join(SHARED_DATA, "notes/mtsamples_dev.jsonl");
  const notes = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .slice(0, n)
        .map((line) => (JSON.parse(line) as { transcription: string }).transcription)
    : Array<string>(n).fill(await sampleNote());
  return notes.map((content) => ({ content, summary: JSON.stringify(summarizeText(content)) }));
}

async function main() {
  const scales = selectedScales(process.argv.slice(2));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "ehr-scale-"));
  // The state is dumped only on exit: a periodic dump of a 100k-record state would skew the timings.
  const chain = await startChain({ dataDir, port: 0, stateInterval: 86_400, developmentCalls: true });
  const rpc = createRpc(chain.url);
  const viemChain = { ...foundry, id: chain.chainId, rpcUrls: { default: { http: [chain.url] } } };
  const publicClient = createPublicClient({ chain: viemChain, transport: http(chain.url) }) as PublicClient;
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  const adminKey = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").privateKey;
  const admin = new Wallet(adminKey, provider);
  const fund = (address: string) => rpc.call("anvil_setBalance", [address, "0x21e19e0c9bab2400000"]);

  try {
    const { core: coreContract, book: bookContract, deployBlock } = await deploySystem(admin);
    const core = (await coreContract.getAddress()) as Address;
    const book = (await bookContract.getAddress()) as Address;
    const readAccessEvents = await loadReadAccessEvents();

    // Disk: real records through the real flow into the service's own stores, measured before and after.
    const apiEnv = {
      EHR_DATA_DIR: path.join(dataDir, "api"),
      EHR_RPC_URL: chain.url,
      EHR_CORE_ADDRESS: core,
      EHR_WEB_ORIGIN: WEB_ORIGIN,
      EHR_RATE_LIMIT_PER_MINUTE: "1000000",
    };
    const services = await openServices(loadConfig(apiEnv), { logger: pino({ level: "warn" }), publicClient });
    await (await coreContract.setCustodianKey(services.custodian.publicKey)).wait();
    const sampleAccount = privateKeyToAccount(generatePrivateKey());
    const sampleKey = generateUserKey();
    await fund(sampleAccount.address);
    const walletClient = createWalletClient({ account: sampleAccount, chain: viemChain, transport: http(chain.url) });
    const registration = await walletClient.writeContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "registerPatient",
      args: [sampleKey.publicKey as Hex, ZeroHash as Hex],
    });
    await publicClient.waitForTransactionReceipt({ hash: registration });
    const before = folderBytes(apiEnv.EHR_DATA_DIR);
    const samples = await sampleRecords(SAMPLE_RECORDS);
    const cids = await storeSampleRecords(
      services,
      { publicClient, walletClient, core },
      { address: sampleAccount.address, key: sampleKey },
      samples,
    );
    await services.close();
    const after = folderBytes(apiEnv.EHR_DATA_DIR);
    const plainBytes = samples.reduce((n, s) => n + Buffer.byteLength(s.content) + Buffer.byteLength(s.summary), 0);
    const disk = {
      method:
        `${SAMPLE_RECORDS} real records (MTSamples notes with their summaries, sealed by lib/records/createRecord) stored ` +
        "in the service's Helia store and key vault; growth of the data folder in allocated bytes, scaled to 1,000 records. " +
        "Chain state: growth of anvil_dumpState (gzip) between the smallest and largest scale, per 1,000 records added.",
      sampleRecords: SAMPLE_RECORDS,
      meanPlaintextBytesPerRecord: Math.round(plainBytes / SAMPLE_RECORDS),
      serviceBytesPer1000Records: Math.round(((after.disk - before.disk) / SAMPLE_RECORDS) * 1000),
      serviceApparentBytesPer1000Records: Math.round(((after.apparent - before.apparent) / SAMPLE_RECORDS) * 1000),
      chainStateBytesPer1000Records: undefined as number | undefined,
    };
    console.log(
      `disk: ${(disk.serviceBytesPer1000Records / MB).toFixed(1)} MB per 1,000 records in the service ` +
        `(${SAMPLE_RECORDS} real records, mean plaintext ${disk.meanPlaintextBytesPerRecord} B)`,
    );

    const grower = createGrower({
      rpc,
      core,
      book,
      admin: admin.address as Address,
      onPhase: (phase, txs, s) => console.log(`  ${phase}: ${txs} tx in ${s.toFixed(1)} s`),
    });
    const results: Record<string, ScaleResult> = {};
    for (const scale of scales) {
      console.log(`growing to ${scale}: ${JSON.stringify(SCALES[scale])}`);
      const t = performance.now();
      await grower.grow(SCALES[scale]);
      const growthSeconds = (performance.now() - t) / 1000;
      const loadAverage = os.loadavg().map((l) => +l.toFixed(2));

      const fresh = () => new Wallet(hexlify(randomBytes(32)), provider);
      const [hospital, doctors, patients] = [
        fresh(),
        Array.from({ length: SCENARIO_DOCTORS }, fresh),
        Array.from({ length: SCENARIO_PATIENTS }, fresh),
      ];
      for (const w of [hospital, ...doctors, ...patients]) await fund(w.address);
      const gas = await measureGas({
        core: coreContract,
        book: bookContract,
        admin,
        hospital,
        doctors,
        patients,
        latest: async () => (await provider.getBlock("latest"))!.timestamp,
        hospitalName: `Bench General ${scale}`,
        tag: scale,
      });

      const p = SCALES[scale].patients;
      const quiet = [0, Math.floor(p / 2), p - 1];
      const recent = [1, Math.floor(p / 2) + 1, p - 2];
      const t0 = performance.now();
      await rpc.call("anvil_mine", [`0x${GAP_BLOCKS.toString(16)}`]);
      console.log(`  ${GAP_BLOCKS} empty blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await grower.logRecentReads(recent, RECENT_READS);
      const probeLoadAverage = os.loadavg().map((l) => +l.toFixed(2));
      const address = (i: number) => benchAddress("patient", i);
      const list = await listFirstPageMs(publicClient, core, quiet.map(address));
      const floor = BigInt(deployBlock);
      const activityRecent = await activityFirstPageMs(
        readAccessEvents,
        publicClient,
        core,
        recent.map(address),
        floor,
      );
      const activityQuiet = await activityFirstPageMs(readAccessEvents, publicClient, core, quiet.map(address), floor);
      // In-process start-up: opening the stores and listening, without Node and ts-node loading modules.
      const opening = performance.now();
      const running = await startApi(loadConfig({ ...apiEnv, EHR_API_PORT: "0", EHR_LOG_LEVEL: "error" }));
      const servicesStartupMs = performance.now() - opening;
      await running.close();
      const api = { ...(await probeApi(apiEnv, sampleAccount, chain.chainId, cids, API_READS)), servicesStartupMs };
      const state = await rpc.call<string>("anvil_dumpState");
      results[scale] = {
        history: grower.history,
        growthSeconds: +growthSeconds.toFixed(1),
        loadAverage,
        gas,
        probeLoadAverage,
        listFirstPage: list,
        activityRecent,
        activityQuiet,
        api,
        anvilRssBytes: await rssOf(chain.pid),
        chainStateBytes: (state.length - 2) / 2,
      };
      console.log(`${scale}: grown in ${growthSeconds.toFixed(0)} s; load ${loadAverage.join(" ")}`);
      writeResults(results, disk);
    }
  } finally {
    provider.destroy();
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Disk = Record<string, string | number | undefined>;

const mb = (bytes: number) => +(bytes / MB).toFixed(1);
const spreadCell = (s: Spread) => `${s.median} [${s.p25}-${s.p75}]`;

/** scale.json, the charts and the table on stdout, rewritten after every scale. */
function writeResults(results: Record<string, ScaleResult>, disk: Disk) {
  const scales = Object.keys(results);
  const by = <T>(pick: (r: ScaleResult) => T) => Object.fromEntries(scales.map((s) => [s, pick(results[s])]));
  const [first, last] = [results[scales[0]], results[scales[scales.length - 1]]];
  if (scales.length > 1) {
    const added = (last.history.records - first.history.records) / 1000;
    disk.chainStateBytesPer1000Records = Math.round((last.chainStateBytes - first.chainStateBytes) / added);
    disk.anvilRssBytesPer1000Records = Math.round((last.anvilRssBytes - first.anvilRssBytes) / added);
  }
  const json = {
    gas: by((r) => r.gas),
    firstPageMethod:
      "Median and spread (ms) over 3 patients x repetitions. Records: lib/records/listRecords, newest first, 20. " +
      `Activity: the web's readAccessEvents (first page, newest first), for patients with ${RECENT_READS} reads logged ` +
      `after ${GAP_BLOCKS} empty blocks ('recent') and for patients whose 2 reads lie in the grown history ('quiet').`,
    listFirstPageMs: by((r) => r.listFirstPage),
    activityRecentFirstPageMs: by((r) => r.activityRecent),
    activityQuietFirstPageMs: by((r) => r.activityQuiet),
    apiStartupMs: by((r) => Math.round(r.api.startupMs)),
    apiServicesStartupMs: by((r) => Math.round(r.api.servicesStartupMs)),
    apiBlobReadMs: by((r) => +r.api.readMs.toFixed(2)),
    memory: {
      apiRssAfterStartBytes: by((r) => r.api.rssAfterStartBytes),
      apiRssAfterReadsBytes: by((r) => r.api.rssAfterReadsBytes),
      apiReads: API_READS,
      anvilRssBytes: by((r) => r.anvilRssBytes),
    },
    chainStateBytes: by((r) => r.chainStateBytes),
    diskPer1000Records: disk,
    history: by((r) => r.history),
    growthSeconds: by((r) => r.growthSeconds),
    loadAverage: by((r) => r.loadAverage),
    probeLoadAverage: by((r) => r.probeLoadAverage),
    machine: { cpus: os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    generatedAt: new Date().toISOString(),
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, "scale.json"), JSON.stringify(json, null, 2) + "\n");

  const xTitle = "scale (1x = 100 patients, 10 doctors, 1,000 records)";
  const steady = Object.keys(BUDGETS).filter((op) => op in first.gas);
  const charts: Record<string, string> = {
    "scale-gas.svg": lineChart({
      title: "Gas per operation as the chain grows (must stay flat)",
      xLabels: scales,
      xTitle,
      yTitle: "gas used",
      series: steady.map((op) => ({ name: op, values: scales.map((s) => results[s].gas[op] ?? null) })),
    }),
    "scale-first-page.svg": lineChart({
      title: "A patient's first page as history grows",
      xLabels: scales,
      xTitle,
      yTitle: "milliseconds (median)",
      series: [
        { name: "records (listRecords, 20)", values: scales.map((s) => results[s].listFirstPage.median) },
        { name: "activity, recent patient", values: scales.map((s) => results[s].activityRecent.median) },
        { name: "activity, quiet patient", values: scales.map((s) => results[s].activityQuiet.median) },
        { name: "blob download (API)", values: scales.map((s) => results[s].api.readMs) },
      ],
    }),
    "scale-api-startup.svg": lineChart({
      title: "Service start-up time (process spawn to listening)",
      xLabels: scales,
      xTitle,
      yTitle: "milliseconds",
      series: [
        { name: "process (npm run api)", values: scales.map((s) => results[s].api.startupMs) },
        { name: "services open + listen", values: scales.map((s) => results[s].api.servicesStartupMs) },
      ],
    }),
    "scale-footprint.svg": lineChart({
      title: "Memory and chain state as the chain grows",
      xLabels: scales,
      xTitle,
      yTitle: "MB",
      series: [
        { name: "API RSS after start", values: scales.map((s) => mb(results[s].api.rssAfterStartBytes)) },
        { name: `API RSS after ${API_READS} reads`, values: scales.map((s) => mb(results[s].api.rssAfterReadsBytes)) },
        { name: "anvil RSS", values: scales.map((s) => mb(results[s].anvilRssBytes)) },
        { name: "chain state (gzip dump)", values: scales.map((s) => mb(results[s].chainStateBytes)) },
      ],
    }),
  };
  for (const [name, svg] of Object.entries(charts)) writeFileSync(path.join(OUT, name), svg);

  const row = (label: string, values: (string | number)[]) => `| ${label} | ${values.join(" | ")} |`;
  const head = [
    row("", scales),
    row(
      "---",
      scales.map(() => "---:"),
    ),
  ];
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log(
    [
      "",
      ...head,
      row(
        "patients / doctors / records",
        scales.map(
          (s) =>
            `${fmt(results[s].history.patients)} / ${fmt(results[s].history.doctors)} / ${fmt(results[s].history.records)}`,
        ),
      ),
      row(
        "transactions / blocks",
        scales.map((s) => `${fmt(results[s].history.transactions)} / ${fmt(results[s].history.blocks)}`),
      ),
      ...Object.keys(first.gas).map((op) =>
        row(
          `gas ${op}`,
          scales.map((s) => fmt(results[s].gas[op])),
        ),
      ),
      row(
        "first page of records, ms (median [p25-p75])",
        scales.map((s) => spreadCell(results[s].listFirstPage)),
      ),
      row(
        "activity first page, recent patient, ms",
        scales.map((s) => spreadCell(results[s].activityRecent)),
      ),
      row(
        "activity first page, quiet patient, ms",
        scales.map((s) => spreadCell(results[s].activityQuiet)),
      ),
      row(
        "activity blocks scanned: recent / quiet",
        scales.map(
          (s) => `${fmt(results[s].activityRecent.blocksScanned)} / ${fmt(results[s].activityQuiet.blocksScanned)}`,
        ),
      ),
      row(
        "API start-up: process / services, ms",
        scales.map((s) => `${Math.round(results[s].api.startupMs)} / ${Math.round(results[s].api.servicesStartupMs)}`),
      ),
      row(
        "API blob download, ms",
        scales.map((s) => results[s].api.readMs.toFixed(2)),
      ),
      row(
        "API RSS after start / reads, MB",
        scales.map((s) => `${mb(results[s].api.rssAfterStartBytes)} / ${mb(results[s].api.rssAfterReadsBytes)}`),
      ),
      row(
        "anvil RSS, MB",
        scales.map((s) => mb(results[s].anvilRssBytes)),
      ),
      row(
        "chain state (gzip), MB",
        scales.map((s) => mb(results[s].chainStateBytes)),
      ),
      row(
        "growth, s / load average (1 min) after growth / at probes",
        scales.map(
          (s) => `${results[s].growthSeconds} / ${results[s].loadAverage[0]} / ${results[s].probeLoadAverage[0]}`,
        ),
      ),
      "",
      `Disk per 1,000 records: ${JSON.stringify(disk)}`,
    ].join("\n"),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
