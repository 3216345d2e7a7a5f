/**
 * Grows a deployed system on anvil to a target population, fast: every account is impersonated
 * (`anvil_autoImpersonateAccount`, so nothing is signed on this side), nonces are kept here,
 * transactions go in JSON-RPC batches with automine off and are mined in waves of WAVE_TXS.
 * Every transaction is checked (by its event): one revert stops the run. Gas is not measured here (see
 * gasScenario.ts); this only builds the history the measurements run against.
 */
import { encodeFunctionData, keccak256, toHex, type Abi } from "viem";
import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import type { Address, Hex } from "viem";
import { ALWAYS, publicKey, record } from "./gasScenario";
import type { Rpc, RpcCall } from "./rpc";

/** How many accounts and records the chain holds. */
export interface Population {
  patients: number;
  doctors: number;
  records: number;
}

/** What the history holds beside the population, for the report. */
export interface History extends Population {
  grants: number;
  appointments: number;
  accessLogs: number;
  transactions: number;
  blocks: number;
}

/** Gas limit given to every growth transaction (none needs half of it). */
const TX_GAS = 600_000n;
/** Transactions sent before mining: anvil fits them in as few blocks as the gas limit allows. */
const WAVE_TXS = 1_000;
/** Transactions per JSON-RPC batch request. */
const RPC_BATCH = 500;
/** Batch requests in flight at once. */
const PIPELINE = 4;
/** Blocks per eth_getLogs when checking a phase. */
const LOG_SPAN = 50;
/** The growth blocks' gas limit: room for a whole wave at the per-transaction gas limit. */
const BLOCK_GAS_LIMIT = TX_GAS * BigInt(WAVE_TXS);
const SLOT = 1800;
const DAY = 86_400;
/** Grants each patient gives, records by the first granted doctor, reads that doctor logs. */
const GRANTS_PER_PATIENT = 2;
const DOCTOR_RECORDS_PER_PATIENT = 2;
const LOGS_PER_PATIENT = 2;

type Tx = { from: Address; to: Address; data: Hex };

/** A deterministic address for the i-th account of a kind (impersonated: it has no key). */
export function benchAddress(kind: "patient" | "doctor" | "hospital", i: number): Address {
  return `0x${keccak256(toHex(`ehr-bench:${kind}:${i}`)).slice(26)}` as Address;
}

export interface GrowerInput {
  rpc: Rpc;
  core: Address;
  book: Address;
  /** Holds the admin role; onboards the doctors. */
  admin: Address;
  /** Called after each phase with its name, transactions and seconds. */
  onPhase?(phase: string, txs: number, seconds: number): void;
}

/** A chain that grows in steps; `history` says what it holds now. */
export interface Grower {
  readonly history: History;
  grow(target: Population): Promise<void>;
  /**
   * Recent activity at the head: the doctor each patient granted logs `reads` reads of its first
   * record, all in one new block, as the activity probe's "recently active patient" needs.
   */
  logRecentReads(patients: number[], reads: number): Promise<void>;
}

export function createGrower(input: GrowerInput): Grower {
  const { rpc, core, book, admin } = input;
  const nonces = new Map<Address, number>();
  const bookings = new Map<number, number>();
  const keys = Array.from({ length: 8 }, () => publicKey() as Hex);
  const history: History = {
    patients: 0,
    doctors: 0,
    records: 0,
    grants: 0,
    appointments: 0,
    accessLogs: 0,
    transactions: 0,
    blocks: 0,
  };
  let hospitalAdded = false;
  /** The doctor who logs each patient's reads (its first grant). */
  const readerOf = new Map<number, Address>();

  // One ABI item per function, looked up once: encoding 100,000 calls against the whole ABI costs minutes.
  const items = new Map<string, Abi>();
  const encode = (abi: Abi, functionName: string, args: readonly unknown[]) => {
    const key = `${abi === ehrCoreAbi ? "core" : "book"}.${functionName}`;
    let item = items.get(key);
    if (!item) items.set(key, (item = abi.filter((x) => x.type === "function" && x.name === functionName)));
    return encodeFunctionData({ abi: item, functionName, args });
  };
  const coreTx = (from: Address, functionName: string, args: readonly unknown[]): Tx => ({
    from,
    to: core,
    data: encode(ehrCoreAbi as Abi, functionName, args),
  });
  const bookTx = (from: Address, functionName: string, args: readonly unknown[]): Tx => ({
    from,
    to: book,
    data: encode(appointmentBookAbi as Abi, functionName, args),
  });
  const hex = (n: number | bigint) => toHex(n);

  /** Mines until the pool is empty; a transaction stuck behind a nonce gap is an error. */
  async function mineAll(): Promise<void> {
    for (;;) {
      await rpc.call("evm_mine");
      const status = await rpc.call<{ pending: Hex; queued: Hex }>("txpool_status");
      if (Number(status.pending) === 0) {
        if (Number(status.queued) !== 0) throw new Error(`${Number(status.queued)} transactions stuck (nonce gap).`);
        return;
      }
    }
  }

  /**
   * Sends, mines and checks every transaction of one phase. Transactions go in waves of WAVE_TXS
   * (JSON-RPC batches of RPC_BATCH, PIPELINE in flight), each wave mined into as few blocks as the
   * gas limit allows: anvil's cost per block grows with the state (an empty block took 1 ms on a
   * fresh chain, 7 ms at 1x, 128 ms at 10x), so blocks of 250 made growth quadratic. A sender's
   * later nonces wait in anvil's pool and are mined in the same block. The check reads the waves'
   * logs, not their receipts: every growth call emits an event, a reverted one emits none, and
   * eth_getBlockReceipts took 50 of the 53 s of the 10x records step.
   */
  async function run(phase: string, txs: Tx[]): Promise<void> {
    const started = performance.now();
    const first = Number(await rpc.call<Hex>("eth_blockNumber")) + 1;
    const calls: RpcCall[] = txs.map((tx) => {
      const nonce = nonces.get(tx.from) ?? 0;
      nonces.set(tx.from, nonce + 1);
      const params = {
        ...tx,
        gas: hex(TX_GAS),
        nonce: hex(nonce),
        maxFeePerGas: hex(50e9),
        maxPriorityFeePerGas: "0x0",
      };
      return { method: "eth_sendTransaction", params: [params] };
    });
    const sent = new Set<string>();
    for (let i = 0; i < calls.length; i += WAVE_TXS) {
      const wave = calls.slice(i, i + WAVE_TXS);
      const batches: RpcCall[][] = [];
      for (let j = 0; j < wave.length; j += RPC_BATCH) batches.push(wave.slice(j, j + RPC_BATCH));
      for (let j = 0; j < batches.length; j += PIPELINE) {
        const hashes = await Promise.all(batches.slice(j, j + PIPELINE).map((b) => rpc.batch<Hex>(b)));
        for (const h of hashes.flat()) sent.add(h.toLowerCase());
      }
      await mineAll();
    }
    const last = Number(await rpc.call<Hex>("eth_blockNumber"));
    const logged = new Set<string>();
    for (let b = first; b <= last; b += LOG_SPAN) {
      const logs = await rpc.call<{ transactionHash: Hex }[]>("eth_getLogs", [
        { address: [core, book], fromBlock: hex(b), toBlock: hex(Math.min(last, b + LOG_SPAN - 1)) },
      ]);
      for (const l of logs) logged.add(l.transactionHash.toLowerCase());
    }
    const missing = [...sent].filter((h) => !logged.has(h));
    if (missing.length > 0 || sent.size !== txs.length) {
      throw new Error(`${phase}: ${missing.length} of ${txs.length} transactions reverted (first ${missing[0]}).`);
    }
    history.transactions += txs.length;
    history.blocks = last;
    input.onPhase?.(phase, txs.length, (performance.now() - started) / 1000);
  }

  async function grow(target: Population): Promise<void> {
    const from = { ...history };
    if (target.patients < from.patients || target.doctors < from.doctors) throw new Error("The chain only grows.");
    const perPatient = target.records / target.patients;
    if (!Number.isInteger(perPatient) || perPatient < DOCTOR_RECORDS_PER_PATIENT + 1) {
      throw new Error("Records must be a whole number per patient, at least 3.");
    }
    await rpc.call("anvil_autoImpersonateAccount", [true]);
    await rpc.call("evm_setAutomine", [false]);
    await rpc.call("evm_setBlockGasLimit", [hex(BLOCK_GAS_LIMIT)]);
    nonces.set(admin, Number(await rpc.call<Hex>("eth_getTransactionCount", [admin, "pending"])));
    const now = Number((await rpc.call<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false])).timestamp);
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
    const newDoctors = range(from.doctors, target.doctors);
    const newPatients = range(from.patients, target.patients);
    const doctorOf = (p: number, g: number) => benchAddress("doctor", (p * 7 + g * 3) % target.doctors);
    for (const p of newPatients) readerOf.set(p, doctorOf(p, 0));

    const funding = [
      ...newDoctors.map((d) => benchAddress("doctor", d)),
      ...newPatients.map((p) => benchAddress("patient", p)),
    ];
    for (let i = 0; i < funding.length; i += 1000) {
      await rpc.batch(
        funding.slice(i, i + 1000).map((a) => ({ method: "anvil_setBalance", params: [a, hex(10n ** 22n)] })),
      );
    }

    if (!hospitalAdded) {
      await run("addHospital", [coreTx(admin, "addHospital", [benchAddress("hospital", 0), "Scale General"])]);
      hospitalAdded = true;
    }
    await run(
      "onboardDoctor",
      newDoctors.map((d) =>
        coreTx(admin, "onboardDoctor", [
          benchAddress("doctor", d),
          1,
          100 + (d % 40),
          keccak256(toHex(`lic${d}`)),
          `Dr ${d}`,
          "",
        ]),
      ),
    );
    await run(
      "doctorKeys",
      newDoctors.flatMap((d) => [
        coreTx(benchAddress("doctor", d), "setEncryptionKey", [keys[d % keys.length], keccak256(toHex(`kb${d}`))]),
        bookTx(benchAddress("doctor", d), "setWeeklyAvailability", [ALWAYS]),
      ]),
    );
    history.doctors = target.doctors;

    await run(
      "registerPatient",
      newPatients.map((p) =>
        coreTx(benchAddress("patient", p), "registerPatient", [keys[p % keys.length], keccak256(toHex(`pb${p}`))]),
      ),
    );
    history.patients = target.patients;

    const expiry = now + 300 * DAY;
    await run(
      "grantAccess",
      newPatients.flatMap((p) =>
        range(0, GRANTS_PER_PATIENT).map((g) =>
          coreTx(benchAddress("patient", p), "grantAccess", [doctorOf(p, g), 0xffffffff, expiry]),
        ),
      ),
    );
    history.grants += newPatients.length * GRANTS_PER_PATIENT;

    const records: Tx[] = [];
    for (const p of newPatients) {
      const patient = benchAddress("patient", p);
      for (let j = 0; j < perPatient; j++) {
        const byDoctor = j >= perPatient - DOCTOR_RECORDS_PER_PATIENT;
        const input = record(j === 0 ? 0 : 1 + (j % 5), `${p}.${j}`);
        records.push(coreTx(byDoctor ? doctorOf(p, 0) : patient, "addRecord", [patient, input]));
      }
    }
    await run("addRecord", records);
    history.records += records.length;

    const firstSlot = Math.ceil((now + DAY) / SLOT) * SLOT;
    await run(
      "bookAppointment",
      newPatients.map((p) => {
        const d = (p * 7) % target.doctors;
        const k = bookings.get(d) ?? 0;
        bookings.set(d, k + 1);
        return bookTx(benchAddress("patient", p), "book", [doctorOf(p, 0), firstSlot + k * SLOT]);
      }),
    );
    history.appointments += newPatients.length;

    await run(
      "logAccess",
      newPatients.flatMap((p) =>
        range(0, LOGS_PER_PATIENT).map((j) =>
          coreTx(doctorOf(p, 0), "logAccess", [benchAddress("patient", p), j, j % 2 === 1]),
        ),
      ),
    );
    history.accessLogs += newPatients.length * LOGS_PER_PATIENT;
    await rpc.call("evm_setAutomine", [true]);
  }

  async function logRecentReads(patients: number[], reads: number): Promise<void> {
    const txs = patients.flatMap((p) => {
      const doctor = readerOf.get(p);
      if (!doctor) throw new Error(`Patient ${p} is not on the chain.`);
      return Array.from({ length: reads }, (_, j) =>
        coreTx(doctor, "logAccess", [benchAddress("patient", p), 0, j % 2 === 1]),
      );
    });
    await rpc.call("evm_setAutomine", [false]);
    await run("recentReads", txs);
    await rpc.call("evm_setAutomine", [true]);
    history.accessLogs += txs.length;
  }

  return {
    get history() {
      return { ...history };
    },
    grow,
    logRecentReads,
  };
}
