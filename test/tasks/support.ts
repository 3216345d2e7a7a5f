/**
 * Shared by the task tests: a temp deployments folder (EHR_DEPLOYMENTS_DIR), so tests never write
 * into deployments/; the one fixture (the system deployed by `ehr:deploy` itself); and a runner
 * that captures what a task prints.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { writeDeployment, type DeploymentRecord } from "../../scripts/lib/deployments";
import type { DeployOutcome } from "../../tasks/deploy";

/**
 * Points EHR_DEPLOYMENTS_DIR at a fresh temp folder for the enclosing `describe` and removes it
 * afterwards. Returns a getter for the folder.
 */
export function useTempDeployments(): () => string {
  let dir = "";
  let previous: string | undefined;
  before(() => {
    previous = process.env.EHR_DEPLOYMENTS_DIR;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-deployments-"));
    process.env.EHR_DEPLOYMENTS_DIR = dir;
  });
  after(() => {
    if (previous === undefined) delete process.env.EHR_DEPLOYMENTS_DIR;
    else process.env.EHR_DEPLOYMENTS_DIR = previous;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** Runs a task, capturing its printed lines (they are not shown). */
export async function runTask<T = unknown>(
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => void lines.push(parts.map(String).join(" "));
  try {
    const result = (await hre.run(name, args)) as T;
    return { result, output: lines.join("\n") };
  } finally {
    console.log = original;
  }
}

/** The one fixture: the system as `ehr:deploy` deploys it, and the test accounts. */
export async function deployedByTask() {
  const dir = process.env.EHR_DEPLOYMENTS_DIR;
  if (!dir) throw new Error("useTempDeployments() must run first.");
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  const { result } = await runTask<DeployOutcome>("ehr:deploy");
  const [admin, hospitalAccount, doctor, doctor2, patient, patient2, stranger, other] = await ethers.getSigners();
  const core = await ethers.getContractAt("EhrCore", result.record.core.address);
  const book = await ethers.getContractAt("AppointmentBook", result.record.appointmentBook.address);
  return {
    record: result.record,
    core,
    book,
    admin,
    hospitalAccount,
    doctor,
    doctor2,
    patient,
    patient2,
    stranger,
    other,
  };
}

/**
 * Leaves exactly the fixture's deployment file in the temp folder: after loadFixture reverts the
 * chain, the files must match it again.
 */
export function resetDeployments(dir: string, record: DeploymentRecord): void {
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  writeDeployment(record, dir);
}

/**
 * For a task test's `describe`: a temp deployments folder and the fixture to start each test from
 * (the system as `ehr:deploy` deploys it, the folder holding exactly its deployment file).
 */
export function useDeployedSystem(): { dir: () => string; fixture: () => ReturnType<typeof deployedByTask> } {
  const dir = useTempDeployments();
  async function fixture() {
    const f = await loadFixture(deployedByTask);
    resetDeployments(dir(), f.record);
    return f;
  }
  return { dir, fixture };
}
