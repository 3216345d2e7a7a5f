/** Test helpers for the storage API tests: records made by the real lib flows, the one error shape. */
import { expect } from "chai";
import type { Response } from "supertest";
import { randomBytes } from "../../lib/bytes";
import { envelopeHash, generateDataKey, sealEnvelope } from "../../lib/crypto/envelope";
import { newRecordId, type RecordIdentity } from "../../lib/crypto/identity";
import type { FlowContext } from "../../lib/records/types";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import { fakeWrapped } from "../keys/fakeWrapped";
import type { StackAccount, TestStack } from "./stack";

/** A FlowContext acting as `who`, over the service's own blob store and key vault (no HTTP). */
export function flowAs(stack: TestStack, who: StackAccount): FlowContext {
  return {
    publicClient: stack.publicClient,
    walletClient: who.wallet,
    core: stack.core,
    storage: stack.services.blobs,
    vault: stack.services.vault,
  };
}

/** The one error shape: status, code, a plain sentence matching `reason`, the request id, no stack trace. */
export function expectError(res: Response, status: number, code: string, reason: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(Object.keys(res.body)).to.deep.equal(["error"]);
  expect(res.body.error.code).to.equal(code);
  expect(res.body.error.message).to.match(reason);
  expect(res.body.error.message).to.match(/^[A-Z][^\n]*\.$/);
  expect(res.body.error.requestId).to.equal(res.headers["x-request-id"]).and.to.be.a("string").that.is.not.empty;
  expect(JSON.stringify(res.body)).not.to.match(/\bat .*\.(ts|js):\d+|stack/i);
}

/**
 * An envelope of `size` random plaintext bytes for the stack's first patient (category 3, the
 * report part, never compressed), sealed by the real lib code: what a client uploads.
 */
export async function sealTestEnvelope(
  stack: Pick<TestStack, "chain" | "core" | "patient">,
  size: number,
  identity: Partial<RecordIdentity> = {},
): Promise<{ identity: RecordIdentity; bytes: Uint8Array }> {
  const full: RecordIdentity = {
    chainId: stack.chain.chainId,
    contract: stack.core,
    patient: stack.patient.address,
    recordId: newRecordId(),
    category: 3,
    part: "report",
    ...identity,
  };
  return {
    identity: full,
    bytes: await sealEnvelope(randomBytes(size), generateDataKey(), full, { compress: "never" }),
  };
}

/**
 * A wrapped-key entry for a fresh record of the stack's first patient, read by the first doctor
 * (a made-up wrapped key and envelope hash): what a client stores; `changes` replaces any field.
 */
export function testKeyEntry(
  stack: Pick<TestStack, "chain" | "core" | "patient" | "doctor">,
  changes: Partial<WrappedKeyEntry> = {},
): WrappedKeyEntry {
  return {
    chainId: stack.chain.chainId,
    contract: stack.core,
    patient: stack.patient.address,
    recordId: newRecordId(),
    part: "report",
    reader: stack.doctor.address,
    envelopeHash: `0x${"ab".repeat(32)}`,
    wrapped: fakeWrapped("33"),
    ...changes,
  };
}

/**
 * {@link testKeyEntry} (`changes` applied) whose record part's envelope is stored in the service and
 * its upload ledger, uploaded by the entry's patient, as the app uploads it before its keys (POST
 * /v1/keys checks that a key names its file's record part); an `envelopeHash` given in `changes` is
 * taken as it is, and nothing is stored.
 */
export async function storedTestKeyEntry(
  stack: Pick<TestStack, "chain" | "core" | "patient" | "doctor" | "services">,
  changes: Partial<WrappedKeyEntry> = {},
): Promise<WrappedKeyEntry> {
  const entry = testKeyEntry(stack, changes);
  if (changes.envelopeHash) return entry;
  const { chainId, contract, patient, recordId, part } = entry;
  const identity = {
    chainId,
    contract,
    patient,
    recordId,
    category: 3,
    part: part === "summary" ? part : "report",
  } as const;
  const bytes = await sealEnvelope(randomBytes(64), generateDataKey(), identity, { compress: "never" });
  const hash = await envelopeHash(bytes);
  const { cid, alreadyStored } = await stack.services.blobs.put(bytes, hash);
  const upload = stack.services.uploads.reserve({
    sha256: hash,
    uploader: patient,
    kind: "envelope",
    subject: patient,
    size: bytes.length,
    envelope: { recordId, part: identity.part },
  });
  await upload.stored(cid, alreadyStored);
  return { ...entry, envelopeHash: hash };
}
