/**
 * `npm run bench:gas`: gas per operation in a realistic scenario on Hardhat's in-process EVM.
 * Writes bench/results/gas.json ({operation: gasUsed}, steady state) and bench/results/gas.md.
 * The scenario and what "steady state" means: bench/lib/gasScenario.ts (`bench:scale` runs it too).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystem } from "../scripts/lib/deploy";
import { BUDGETS, REPEATS, SCENARIO_DOCTORS, SCENARIO_PATIENTS, measureGas } from "./lib/gasScenario";

async function main() {
  const signers = await ethers.getSigners();
  const [admin, hospital] = signers;
  const doctors = signers.slice(2, 2 + SCENARIO_DOCTORS);
  const patients = signers.slice(8, 8 + SCENARIO_PATIENTS);
  const { core, book } = await deploySystem(admin);
  const results = await measureGas({ core, book, admin, hospital, doctors, patients, latest: () => time.latest() });

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
