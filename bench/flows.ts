/**
 * `npm run bench:flows`: the transactions each key flow waits for, and how long the flow takes, on
 * a real anvil chain through the real library flows (lib/records: encrypt, store in Helia, wrap,
 * release keys through the ChainKeyVault and the emergency custodian). Each flow runs under three
 * chains: anvil's automine with receipts polled at 250 ms (the local chain, as the dApp now polls
 * it), 2-second blocks (the QBFT network's) polled at half a block (1 s, the dApp's setting), and
 * 2-second blocks polled at viem's default 4 s (the dApp before). The emergency card is measured
 * both ways: one transaction (`openEmergencyAccessAndLog`) and the former open-then-log-each-read;
 * so is a doctor's chart summary under a grant (the same parts, also the prescribing check): one
 * `logEmergencyReads` (`readClinicalSources`) and the former `logAccess` per read.
 * Writes bench/results/flows.json and flows.md. Figures only: nothing here is a test.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { HDNodeWallet, JsonRpcProvider, Wallet, id } from "ethers";
import { createPublicClient, createWalletClient, http, keccak256, toBytes, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { anvilBinary } from "../scripts/lib/chain";
import { deploySystem } from "../scripts/lib/deploy";
import { appointmentBookAbi } from "../deployments/contracts";
import { utf8 } from "../lib/bytes";
import { writeCore } from "../lib/chain/ehr";
import { pollingIntervalFor } from "../lib/chain/pollingInterval";
import type { Address, Hex } from "viem";
import { generateUserKey } from "../lib/keys/userKeyPair";
import type { UserKey } from "../lib/keys/types";
import { createRecord } from "../lib/records/createRecord";
import { openEmergencyAndRead } from "../lib/records/emergency";
import { readClinicalSources } from "../lib/clinical/readClinicalSources";
import { updateGeneralDetails } from "../lib/records/generalDetails";
import { grantAccessWithRewrap, revokeAccess } from "../lib/records/grantAccess";
import { readRecord } from "../lib/records/readRecord";
import { allRecords } from "../lib/records/listRecords";
import type { FlowContext } from "../lib/records/types";
import { HeliaBlobStore } from "../offchain-api/storage/heliaBlobStore";
import { CustodianRewrapper } from "../offchain-api/keys/custodianRewrapper";
import { ChainKeyVault } from "../offchain-api/keys/vault";
import { StateDatabase } from "../offchain-api/state/database";
import { ALWAYS } from "./lib/gasScenario";
import { createRpc } from "./lib/rpc";
import { contractConstants } from "../deployments/contracts";

const OUT = path.join(__dirname, "results");
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const SLOT = contractConstants.SLOT_DURATION;

interface Setting {
  name: string;
  /** 0: automine. */
  blockTimeMs: number;
  pollingMs: number;
}

const SETTINGS: Setting[] = [
  { name: "automine, polled at 250 ms", blockTimeMs: 0, pollingMs: pollingIntervalFor(0) },
  { name: "2 s blocks, polled at 1 s", blockTimeMs: 2000, pollingMs: pollingIntervalFor(2000) },
  { name: "2 s blocks, polled at 4 s (viem's default)", blockTimeMs: 2000, pollingMs: 4000 },
];

interface FlowFigure {
  /** Transactions the flow sent and waited for, one after another. */
  transactions: number;
  ms: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function main() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const anvil = spawn(anvilBinary(), ["--port", String(port), "--chain-id", "31337", "--silent"], { stdio: "ignore" });
  const rpc = createRpc(url);
  for (let i = 0; ; ++i) {
    try {
      await rpc.call("eth_chainId", []);
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const folder = await mkdtemp(path.join(os.tmpdir(), "ehr-flows-bench-"));
  const storage = await HeliaBlobStore.open({ folder: path.join(folder, "ipfs") });
  try {
    const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    provider.pollingInterval = 50;
    const admin = new Wallet(HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/0").privateKey, provider);
    const { core: coreContract, book: bookContract } = await deploySystem(admin);
    const core = (await coreContract.getAddress()) as Address;
    const book = (await bookContract.getAddress()) as Address;
    const custodian = generateUserKey();
    await (await coreContract.setCustodianKey(custodian.publicKey)).wait();
    await (await coreContract.addHospital(admin.address, "Bench General")).wait();

    const chain = { ...foundry, id: 31337, rpcUrls: { default: { http: [url] } } };
    let sent = 0;
    const transport = http(url, {
      onFetchRequest: async (request) => {
        const body = (await request.clone().json()) as { method?: string };
        if (body.method === "eth_sendRawTransaction") sent += 1;
      },
    });
    let pollingMs = 250;
    const publicClient = () => createPublicClient({ chain, transport, pollingInterval: pollingMs }) as PublicClient;
    const chainVault = new ChainKeyVault({
      state: StateDatabase.open(path.join(folder, "state.sqlite"), []),
      publicClient: publicClient(),
      core,
    });
    const vault = new CustodianRewrapper({
      vault: chainVault,
      publicClient: publicClient(),
      core,
      custodianPrivateKey: custodian.privateKey,
    });
    const keys = new Map<Address, UserKey>();
    const ctx = (account: ReturnType<typeof privateKeyToAccount>): FlowContext => ({
      publicClient: publicClient(),
      walletClient: createWalletClient({ account, chain, transport, pollingInterval: pollingMs }),
      core,
      storage,
      vault,
    });
    const fund = (address: string) => rpc.call("anvil_setBalance", [address, "0x21e19e0c9bab2400000"]);
    const newAccount = async () => {
      const account = privateKeyToAccount(generatePrivateKey());
      await fund(account.address);
      keys.set(account.address, generateUserKey());
      return account;
    };
    let licence = 0;
    const newDoctor = async () => {
      const account = await newAccount();
      await (
        await coreContract.onboardDoctor(account.address, 1, 100, id(`lic${licence++}`), "Dr Bench", "ipfs://p")
      ).wait();
      await writeCore(
        ctx(account),
        "setEncryptionKey",
        [keys.get(account.address)!.publicKey, id("kb") as Hex],
        "register the key",
      );
      return account;
    };
    const newPatient = async () => {
      const account = await newAccount();
      await writeCore(
        ctx(account),
        "registerPatient",
        [keys.get(account.address)!.publicKey, id("pb") as Hex],
        "register",
      );
      return account;
    };

    const results: Record<string, Record<string, FlowFigure>> = {};
    for (const setting of SETTINGS) {
      pollingMs = setting.pollingMs;
      // (anvil: interval 0 stops interval mining; automine on again after it.)
      await rpc.call("evm_setIntervalMining", [0]);
      await rpc.call("evm_setAutomine", [true]);
      // Accounts are set up on automine: only the flows run under the setting.
      const [patient, doctor, emergencyDoctor, formerDoctor] = [
        await newPatient(),
        await newDoctor(),
        await newDoctor(),
        await newDoctor(),
      ];
      const bookAsDoctor = createWalletClient({ account: doctor, chain, transport });
      await publicClient().waitForTransactionReceipt({
        hash: await bookAsDoctor.writeContract({
          address: book,
          abi: appointmentBookAbi,
          functionName: "setWeeklyAvailability",
          args: [ALWAYS.map(Number) as never],
        }),
      });
      if (setting.blockTimeMs > 0) {
        await rpc.call("evm_setAutomine", [false]);
        await rpc.call("evm_setIntervalMining", [setting.blockTimeMs / 1000]);
      }
      const figures: Record<string, FlowFigure> = {};
      const measure = async <T>(flow: string, run: () => Promise<T>): Promise<T> => {
        const before = sent;
        const t0 = performance.now();
        const out = await run();
        figures[flow] = { transactions: sent - before, ms: Math.round(performance.now() - t0) };
        console.log(`${setting.name} · ${flow}: ${figures[flow].transactions} tx, ${figures[flow].ms} ms`);
        return out;
      };
      const patientKey = keys.get(patient.address)!;
      /** The card's parts read one by one, a `logAccess` each: the newest general details, then every summary. */
      const readEachPart = async (flow: FlowContext, reader: Address) => {
        const records = (await allRecords(flow, patient.address)).reverse();
        const readerKey = keys.get(reader)!;
        const details = records.find((r) => r.category === 0)!;
        await readRecord(flow, { patient: patient.address, index: details.index, readerKey });
        for (const r of records.filter((x) => x.flags & 1)) {
          await readRecord(flow, { patient: patient.address, index: r.index, part: "summary", readerKey });
        }
      };
      await measure("upload general details", () =>
        updateGeneralDetails(ctx(patient), {
          patient: patient.address,
          details: {
            fullName: "Bench Patient",
            dateOfBirth: "1970-01-01",
            bloodGroup: "O-",
            allergies: ["penicillin"],
            chronicConditions: [],
            currentMedications: ["metformin"],
            emergencyContacts: [{ name: "Bob", phone: "+44 20 7946 0000" }],
            updatedAt: new Date().toISOString(),
          },
          patientKey,
        }),
      );
      for (const n of [1, 2]) {
        await measure(n === 1 ? "upload a report with its summary" : "upload a second report", () =>
          createRecord(ctx(patient), {
            patient: patient.address,
            category: 2,
            content: utf8(`report ${n}: blood pressure 120/80`),
            mediaType: "text/plain",
            summary: utf8(JSON.stringify({ vitals: ["blood pressure 120/80"] })),
            authorKey: patientKey,
          }),
        );
      }
      const head = Number((await publicClient().getBlock()).timestamp);
      await measure("grant (with the re-wrap of existing records)", () =>
        grantAccessWithRewrap(ctx(patient), {
          doctor: doctor.address,
          categories: 0xffffffff,
          expiresAt: head + 86_400,
          patientKey,
        }),
      );
      await measure("doctor reads a report (logAccess, key release, decrypt)", () =>
        readRecord(ctx(doctor), { patient: patient.address, index: 1, readerKey: keys.get(doctor.address)! }),
      );
      const card = await measure("emergency card: open and read, one transaction", () =>
        openEmergencyAndRead(ctx(emergencyDoctor), {
          patient: patient.address,
          reasonCode: 1,
          justification: "found unconscious",
          doctorKey: keys.get(emergencyDoctor.address)!,
        }),
      );
      if (card.unavailable.length > 0)
        throw new Error(`emergency card incomplete: ${JSON.stringify(card.unavailable)}`);
      await measure("emergency card before: open, then one logAccess per read", async () => {
        const flow = ctx(formerDoctor);
        await writeCore(
          flow,
          "openEmergencyAccess",
          [patient.address, 1, keccak256(toBytes("found unconscious"))],
          "open emergency access",
        );
        await readEachPart(flow, formerDoctor.address);
      });
      const chartSummary = await measure("chart summary under a grant: one transaction", () =>
        readClinicalSources(ctx(doctor), { patient: patient.address, readerKey: keys.get(doctor.address)! }),
      );
      if (chartSummary.unavailable.length > 0 || !chartSummary.generalDetails)
        throw new Error(`chart summary incomplete: ${JSON.stringify(chartSummary.unavailable)}`);
      await measure("chart summary before: one logAccess per read", () => readEachPart(ctx(doctor), doctor.address));
      const start = Math.ceil((head + 2 * 86_400) / SLOT) * SLOT;
      await measure("book an appointment", async () => {
        const wallet = createWalletClient({ account: patient, chain, transport });
        const hash = await wallet.writeContract({
          address: book,
          abi: appointmentBookAbi,
          functionName: "book",
          args: [doctor.address, start],
        });
        await publicClient().waitForTransactionReceipt({ hash });
      });
      await measure("revoke", () => revokeAccess(ctx(patient), { doctor: doctor.address }));
      results[setting.name] = figures;
    }

    mkdirSync(OUT, { recursive: true });
    const report = {
      note:
        "Transactions each flow sends and waits for, one after another, and the flow's wall time (ms) on a local " +
        "anvil through the library flows (Helia store and key vault in process). 'polled at' is the receipt " +
        "polling interval (lib/chain/pollingInterval.ts; the dApp's wagmi config). Shared 2-core machine.",
      settings: SETTINGS,
      flows: results,
    };
    writeFileSync(path.join(OUT, "flows.json"), JSON.stringify(report, null, 2) + "\n");
    const flowNames = Object.keys(results[SETTINGS[0].name]);
    const md = [
      "# Transactions each key flow waits for",
      "",
      "Made by `npm run bench:flows`: the library flows on a local anvil (the service's stores in process).",
      "Each cell: transactions sent and waited for, one after another · wall time of the flow.",
      "",
      `| flow | ${SETTINGS.map((s) => s.name).join(" | ")} |`,
      `|---|${SETTINGS.map(() => "---:").join("|")}|`,
      ...flowNames.map(
        (flow) =>
          `| ${flow} | ${SETTINGS.map((s) => {
            const f = results[s.name][flow];
            return `${f.transactions} · ${f.ms.toLocaleString("en-US")} ms`;
          }).join(" | ")} |`,
      ),
      "",
    ].join("\n");
    writeFileSync(path.join(OUT, "flows.md"), md);
    console.log(md);
  } finally {
    await storage.stop();
    anvil.kill("SIGTERM");
    await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
