/**
 * `npm run bench:gas`: gas per operation in a realistic scenario on Hardhat's in-process EVM.
 * Writes bench/results/gas.json ({operation: gasUsed}, steady state) and bench/results/gas.md.
 *
 * "Steady state" is how the operation costs once the system is in use: counters and the slots an
 * operation rewrites (a renewed grant, a reopened window) already exist. Operations whose first
 * write to a slot is inherent (a new patient's slot, a new record) are measured as they always are.
 * First-time variants are reported beside them under their own names, so nothing is hidden.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deploySystem } from "../scripts/lib/deploy";

/** Steady-state budgets from the issue that created this benchmark. */
const BUDGETS: Record<string, number> = {
  registerPatient: 75_000,
  grantAccess: 50_000,
  revokeAccess: 30_000,
  addRecord: 70_000,
  "addRecord:byDoctor": 70_000,
  bookAppointment: 90_000,
  logAccess: 35_000,
  "logAccess:summaryOnly": 35_000,
  breakGlass: 60_000,
};

const REPEATS = 5;
const SLOT = 1800;
const ALWAYS = Array(7).fill((1n << 48n) - 1n) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];

function publicKey(): string {
  return "0x" + ethers.Wallet.createRandom().signingKey.publicKey.slice(4);
}

function record(category: number, seed: string) {
  // A CIDv1 (base32, raw, sha2-256) is 59 characters: the length real records carry.
  return {
    category,
    envelopeHash: ethers.id(`e${seed}`),
    cid: `bafkrei${ethers.id(seed).slice(2, 54)}`,
    summaryHash: ethers.id(`s${seed}`),
    summaryCid: `bafkrei${ethers.id(`s${seed}`).slice(2, 54)}`,
  };
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const signers = await ethers.getSigners();
  const [admin, hospital] = signers;
  const doctors = signers.slice(2, 8);
  const patients = signers.slice(8, 20);
  const { core, book } = await deploySystem(admin);
  const samples: Record<string, number[]> = {};
  const note = (op: string, gas: number) => (samples[op] ??= []).push(gas);

  await core.addHospital(hospital.address, "Bench General");
  for (const [i, d] of doctors.entries()) {
    note(
      "onboardDoctor",
      await gasOf(core.onboardDoctor(d.address, 1, 100 + i, ethers.id(`lic${i}`), `Dr ${i}`, `ipfs://doctor-${i}`)),
    );
    note("setEncryptionKey", await gasOf(core.connect(d).setEncryptionKey(publicKey(), ethers.id(`kb${i}`))));
    await book.connect(d).setWeeklyAvailability(ALWAYS);
  }
  for (const [i, p] of patients.entries()) {
    note("registerPatient", await gasOf(core.connect(p).registerPatient(publicKey(), ethers.id(`pb${i}`))));
  }

  const [doctor, doctor2, emergencyDoctor] = doctors;
  const later = async (days: number) => (await time.latest()) + days * 86400;
  for (const [i, p] of patients.slice(0, REPEATS).entries()) {
    // A patient's first grant to a doctor writes a fresh slot; renewing it (new expiry or
    // categories) is the steady state; revoking clears it.
    note("grantAccess:firstToDoctor", await gasOf(core.connect(p).grantAccess(doctor.address, 0xff, await later(30))));
    note("grantAccess", await gasOf(core.connect(p).grantAccess(doctor.address, 0xffff, await later(60))));
    note("grantAccess:firstToDoctor", await gasOf(core.connect(p).grantAccess(doctor2.address, 0xff, await later(30))));
    note("revokeAccess", await gasOf(core.connect(p).revokeAccess(doctor2.address)));

    note("addRecord:firstOfPatient", await gasOf(core.connect(p).addRecord(p.address, record(2, `${i}a`))));
    note("addRecord", await gasOf(core.connect(p).addRecord(p.address, record(2, `${i}b`))));
    note("addRecord:byDoctor", await gasOf(core.connect(doctor).addRecord(p.address, record(3, `${i}c`))));
    note("amendRecord", await gasOf(core.connect(p).amendRecord(p.address, 1, record(2, `${i}d`), 1)));

    note("logAccess", await gasOf(core.connect(doctor).logAccess(p.address, 0, false)));
    note("logAccess:summaryOnly", await gasOf(core.connect(doctor).logAccess(p.address, 2, true)));

    note(
      "breakGlass",
      await gasOf(core.connect(emergencyDoctor).openEmergencyAccess(p.address, 1, ethers.id(`why${i}`))),
    );
    note("logAccess:emergency", await gasOf(core.connect(emergencyDoctor).logAccess(p.address, 0, true)));

    const start = Math.ceil((await later(2 + i)) / SLOT) * SLOT;
    note("bookAppointment:firstOfPatient", await gasOf(book.connect(p).book(doctor.address, start)));
    note("bookAppointment", await gasOf(book.connect(p).book(doctor.address, start + SLOT)));
    note(
      "bookAppointmentWithConsent",
      await gasOf(book.connect(p).bookWithConsent(doctor2.address, start + 2 * SLOT, 0x1, await later(10))),
    );
    note("confirmAppointment", await gasOf(book.connect(doctor).confirm(start)));
    note("cancelAppointment", await gasOf(book.connect(p).cancel(doctor.address, start + SLOT)));
  }

  const results: Record<string, number> = {};
  for (const op of Object.keys(samples).sort()) results[op] = median(samples[op]);

  const outDir = path.join(__dirname, "results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "gas.json"), JSON.stringify(results, null, 2) + "\n");

  const over: string[] = [];
  const rows = Object.entries(results).map(([op, gas]) => {
    const budget = BUDGETS[op];
    if (budget !== undefined && gas > budget) over.push(op);
    const verdict = budget === undefined ? "" : gas <= budget ? "within" : "**over**";
    return `| ${op} | ${gas.toLocaleString("en-US")} | ${budget?.toLocaleString("en-US") ?? ""} | ${verdict} |`;
  });
  const md = [
    "# Gas per operation",
    "",
    "Made by `npm run bench:gas` (Hardhat in-process EVM, solc 0.8.30 via-IR, optimizer 200 runs, Cancun).",
    `Median of ${REPEATS} runs. Names with a suffix are the first-time variant of an operation, or a`,
    "different path through it; the plain name is the steady state the budget applies to.",
    "",
    "| operation | gas | budget | |",
    "|---|---:|---:|---|",
    ...rows,
    "",
  ].join("\n");
  writeFileSync(path.join(outDir, "gas.md"), md);
  console.log(md);
  if (over.length > 0) {
    console.error(`Over budget: ${over.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
