import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HDNodeWallet } from "ethers";
import { deploySystem, type DeployOptions } from "../scripts/lib/deploy";
import * as generated from "../deployments/contracts";

/** The contract's enums as ethers returns them (bigint), from the generated module: never copied. */
function bigints<const T extends Record<string, number>>(values: T): { readonly [K in keyof T]: bigint } {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, BigInt(value)])) as {
    readonly [K in keyof T]: bigint;
  };
}
export const DoctorStatus = bigints(generated.DoctorStatus);
export const PatientStatus = bigints(generated.PatientStatus);
export const GrantSource = bigints(generated.GrantSource);
export const AccessBasis = bigints(generated.AccessBasis);
export const AppointmentStatus = bigints(generated.AppointmentStatus);

/** Record categories: the library's one list (the contract only knows they are bits 0..31). */
export { Category } from "../lib/categories";
export const ALL_CATEGORIES = 0xffffffff;
const { contractConstants } = generated;
export const FLAG_HAS_SUMMARY = BigInt(contractConstants.FLAG_HAS_SUMMARY);
export const FLAG_SUPERSEDED = BigInt(contractConstants.FLAG_SUPERSEDED);
export const FLAG_AMENDMENT = BigInt(contractConstants.FLAG_AMENDMENT);

export const DAY = 24 * 3600;
export const SLOT = contractConstants.SLOT_DURATION;

export const HOSPITAL_ROLE = contractConstants.HOSPITAL_ROLE;

/** A fresh secp256k1 key as the contract takes it: 64 bytes, x || y, no 0x04 prefix. */
export function newEncryptionKey(): { wallet: HDNodeWallet; publicKey: string; compressed: string } {
  const wallet = ethers.Wallet.createRandom();
  return {
    wallet,
    publicKey: "0x" + wallet.signingKey.publicKey.slice(4),
    compressed: wallet.signingKey.compressedPublicKey,
  };
}

/** A record input whose pointers are well-formed (the content is never seen on-chain). */
export function recordInput(category: number, withSummary = true, seed = "r") {
  return {
    category,
    envelopeHash: ethers.id(`envelope:${seed}`),
    cid: `bafkrei${ethers.id(seed).slice(2, 54)}`,
    summaryHash: withSummary ? ethers.id(`summary:${seed}`) : ethers.ZeroHash,
    summaryCid: withSummary ? `bafkrei${ethers.id("s" + seed).slice(2, 54)}` : "",
  };
}

export async function now(): Promise<number> {
  return time.latest();
}

/** The next slot boundary at least `daysAhead` days ahead. */
export async function futureSlot(daysAhead = 1): Promise<number> {
  const t = (await time.latest()) + daysAhead * DAY;
  return Math.ceil(t / SLOT) * SLOT;
}

/** Availability with every slot of every day offered. */
export const ALWAYS_AVAILABLE = Array(7).fill((1n << 48n) - 1n) as [
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
];

/**
 * The one fixture: the system deployed by the deploy code the tasks use, a hospital, two doctors
 * with keys, two registered patients. Load it with `loadFixture(baseFixture)`.
 */
export async function deployFixture(options: DeployOptions = {}) {
  const [admin, hospitalAccount, doctor, doctor2, patient, patient2, stranger, other] = await ethers.getSigners();
  const system = await deploySystem(admin, options);
  return { ...system, admin, hospitalAccount, doctor, doctor2, patient, patient2, stranger, other };
}

export async function baseFixture() {
  const f = await deployFixture();
  const { core, book, admin, hospitalAccount, doctor, doctor2, patient, patient2 } = f;
  await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
  for (const [i, d] of [doctor, doctor2].entries()) {
    await core
      .connect(admin)
      .onboardDoctor(d.address, 1, 100 + i, ethers.id(`licence-${i}`), `Dr ${i}`, `ipfs://profile-${i}`);
    await core.connect(d).setEncryptionKey(newEncryptionKey().publicKey, ethers.id(`backup-d${i}`));
    await book.connect(d).setWeeklyAvailability(ALWAYS_AVAILABLE);
  }
  for (const [i, p] of [patient, patient2].entries()) {
    await core.connect(p).registerPatient(newEncryptionKey().publicKey, ethers.id(`backup-p${i}`));
  }
  return f;
}

/** Fixes the next block's timestamp a little ahead and returns it, so a test can assert exact times. */
export async function nextBlockTimestamp(secondsAhead = 10): Promise<number> {
  const t = (await time.latest()) + secondsAhead;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** The field prime of secp256k1. */
export const SECP256K1_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) {
    if (e & 1n) result = (result * b) % modulus;
  }
  return result;
}

/** The on-curve point with the smallest x, found by taking square roots (p = 3 mod 4). */
function smallestPoint(): { x: bigint; y: bigint } {
  for (let x = 1n; ; ++x) {
    const rhs = (x ** 3n + 7n) % SECP256K1_P;
    const y = modPow(rhs, (SECP256K1_P + 1n) / 4n, SECP256K1_P);
    if ((y * y) % SECP256K1_P === rhs) return { x, y };
  }
}

const point = (x: bigint, y: bigint) => ethers.concat([ethers.toBeHex(x, 32), ethers.toBeHex(y, 32)]);

/**
 * Encryption keys the contract must refuse, by reason. `xNotFieldElement` is the smallest-x point
 * with p added to x: it satisfies the curve equation mod p, so only the range check catches it.
 */
export function invalidEncryptionKeys(): Record<string, string> {
  const valid = newEncryptionKey();
  const { x, y } = smallestPoint();
  return {
    empty: "0x",
    tooShort: ethers.dataSlice(valid.publicKey, 0, 63),
    prefixedUncompressed: valid.wallet.signingKey.publicKey,
    compressed: valid.compressed,
    zero: ethers.ZeroHash + ethers.ZeroHash.slice(2),
    offCurve: point(1n, 1n),
    xNotFieldElement: point(x + SECP256K1_P, y),
  };
}

/**
 * The system under the hospital-approval policy: hospital 1 run by `hospitalAccount`, `doctor`
 * onboarded there with a key, and `patient` registered but still pending.
 */
export async function approvalFixture() {
  const f = await deployFixture({ policy: { requireHospitalApproval: true } });
  const { core, admin, hospitalAccount, doctor, patient } = f;
  await core.connect(admin).addHospital(hospitalAccount.address, "St Mary");
  await core.connect(admin).onboardDoctor(doctor.address, 1, 100, ethers.id("licence-0"), "Dr 0", "ipfs://profile-0");
  await core.connect(doctor).setEncryptionKey(newEncryptionKey().publicKey, ethers.id("backup-d0"));
  await core.connect(patient).registerPatient(newEncryptionKey().publicKey, ethers.id("backup-p0"));
  return f;
}
