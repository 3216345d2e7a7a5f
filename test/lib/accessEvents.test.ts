/**
 * The audit trail's paging (lib/chain/accessEvents.ts) against Hardhat's in-process chain, with
 * `hardhat_mine` putting 100,000 empty blocks between old and recent entries: pages come newest
 * first with nothing lost or repeated, the first page of a recently active patient is read from
 * one window whatever lies behind it, a quiet trail stops at the scan budget with a cursor, and
 * nothing below the floor block is read.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { createPublicClient, custom, type EIP1193Provider, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readAccessEventPage, type AccessEventPageInput } from "../../lib/chain/accessEvents";
import type { Address } from "viem";
import { FormatError } from "../../lib/errors";
import { baseFixture, Category, DAY, recordInput } from "../helpers";

const GAP = 100_000;

/** A client over Hardhat's provider that counts the block ranges its eth_getLogs calls cover. */
function countingClient() {
  const ranges: [bigint, bigint][] = [];
  const provider = hre.network.provider as unknown as EIP1193Provider;
  const counted = {
    request: async (args: { method: string; params?: unknown }) => {
      if (args.method === "eth_getLogs") {
        const [filter] = args.params as [{ fromBlock: string; toBlock?: string }];
        ranges.push([BigInt(filter.fromBlock), filter.toBlock ? BigInt(filter.toBlock) : -1n]);
      }
      return provider.request(args as Parameters<EIP1193Provider["request"]>[0]);
    },
  } as unknown as EIP1193Provider;
  const publicClient = createPublicClient({ chain: hardhat, transport: custom(counted, { retryCount: 0 }) });
  return { publicClient: publicClient as PublicClient, ranges };
}

/**
 * `patient` has 10 reads by `doctor`, then 100,000 empty blocks, then 15 reads by `doctor` and an
 * emergency window opened by `doctor2` (26 entries). `patient2` has 2 reads, then the gap only.
 */
async function trailFixture() {
  const f = await baseFixture();
  const { core, patient, patient2, doctor, doctor2 } = f;
  for (const p of [patient, patient2]) {
    await core.connect(p).addRecord(p.address, recordInput(Category.ClinicalNotes, true, `r-${p.address}`));
    const expiry = (await ethers.provider.getBlock("latest"))!.timestamp + 300 * DAY;
    await core.connect(p).grantAccess(doctor.address, 1 << Category.ClinicalNotes, expiry);
  }
  const floorBlock = BigInt(f.deployBlock);
  await core.connect(doctor).logAccess(patient2.address, 0, false);
  await core.connect(doctor).logAccess(patient2.address, 0, true);
  for (let i = 0; i < 10; i++) await core.connect(doctor).logAccess(patient.address, 0, i % 2 === 1);
  await hre.network.provider.request({ method: "hardhat_mine", params: [`0x${GAP.toString(16)}`] });
  for (let i = 0; i < 15; i++) await core.connect(doctor).logAccess(patient.address, 0, false);
  await core.connect(doctor2).openEmergencyAccess(patient.address, 1, ethers.id("unconscious"));
  const coreAddress = (await core.getAddress()) as Address;
  return { ...f, coreAddress, floorBlock };
}

/** Every page from the head to the floor, in order. */
async function allPages(publicClient: PublicClient, core: Address, input: AccessEventPageInput) {
  const pages = [];
  let toBlock: bigint | undefined;
  do {
    const page = await readAccessEventPage(publicClient, core, { ...input, toBlock });
    pages.push(page);
    toBlock = page.older;
  } while (toBlock !== undefined);
  return pages;
}

describe("audit trail paging over a long chain", function () {
  it("reads the whole trail newest first, page by page, nothing lost or repeated", async function () {
    const { coreAddress, patient, doctor2, floorBlock } = await loadFixture(trailFixture);
    const { publicClient } = countingClient();
    const pages = await allPages(publicClient, coreAddress, {
      filter: { patient: patient.address as Address },
      floorBlock,
    });

    const reference = await publicClient.getContractEvents({
      address: coreAddress,
      abi: ehrCoreAbi,
      args: { patient: patient.address as Address },
      fromBlock: 0n,
    });
    const accessKeys = reference
      .filter((l) => l.eventName === "RecordAccessed" || l.eventName === "EmergencyAccessOpened")
      .map((l) => `${l.transactionHash}:${l.logIndex}`)
      .reverse();
    const paged = pages.flatMap((p) => p.events);
    expect(pages.map((p) => p.events.length)).to.deep.equal([20, 6]);
    expect(paged.map((e) => e.key)).to.deep.equal(accessKeys);
    expect(paged[0].kind).to.equal("emergency");
    expect(paged[0].doctor).to.equal(doctor2.address);
    expect(paged.filter((e) => e.kind === "read")).to.have.length(25);
    for (let i = 1; i < paged.length; i++) expect(paged[i - 1].at >= paged[i].at).to.equal(true);
    expect(pages[0].older).to.equal(pages[0].scannedFrom - 1n);
    expect(pages[1].older).to.equal(undefined);
    expect(pages[1].scannedFrom).to.equal(floorBlock);
  });

  it("reads a recently active patient's first page from one window, however long the chain behind it", async function () {
    const { coreAddress, patient, floorBlock } = await loadFixture(trailFixture);
    const { publicClient, ranges } = countingClient();
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const page = await readAccessEventPage(publicClient, coreAddress, {
      filter: { patient: patient.address as Address },
      floorBlock,
      limit: 16,
    });
    expect(page.events).to.have.length(16);
    // One window of 64 blocks, one query per event kind: nothing below it was asked for.
    expect(ranges).to.deep.equal([
      [head - 63n, head],
      [head - 63n, head],
    ]);
    expect(page.older).to.be.a("bigint");
  });

  it("stops a quiet trail at the scan budget and hands back a cursor to read further", async function () {
    const { coreAddress, patient2, floorBlock } = await loadFixture(trailFixture);
    const { publicClient, ranges } = countingClient();
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const input = { filter: { patient: patient2.address as Address }, floorBlock, maxScan: 10_000n };
    const first = await readAccessEventPage(publicClient, coreAddress, input);
    expect(first.events).to.deep.equal([]);
    // Windows of 64, 128, ..., 8,192 blocks: the budget is checked before each window.
    expect(head - first.scannedFrom + 1n).to.equal(16_320n);
    expect(ranges.length).to.equal(16);
    expect(first.older).to.equal(first.scannedFrom - 1n);

    const pages = await allPages(publicClient, coreAddress, input);
    const reads = pages.flatMap((p) => p.events);
    expect(reads.map((e) => e.kind === "read" && e.summaryOnly)).to.deep.equal([true, false]);
    expect(pages[pages.length - 1].older).to.equal(undefined);
  });

  it("keeps each window within the largest window a provider allows", async function () {
    const { coreAddress, patient2, floorBlock } = await loadFixture(trailFixture);
    const { publicClient, ranges } = countingClient();
    await readAccessEventPage(publicClient, coreAddress, {
      filter: { patient: patient2.address as Address },
      floorBlock,
      maxWindow: 5_000n,
    });
    for (const [from, to] of ranges) expect(to - from + 1n <= 5_000n).to.equal(true);
    expect(Math.min(...ranges.map(([from]) => Number(from)))).to.equal(Number(floorBlock));
  });

  it("reads a doctor's own trail, and nothing below the floor block", async function () {
    const { coreAddress, doctor, doctor2 } = await loadFixture(trailFixture);
    const { publicClient } = countingClient();
    const mine = await allPages(publicClient, coreAddress, { filter: { doctor: doctor.address as Address } });
    expect(mine.flatMap((p) => p.events)).to.have.length(27);
    expect(mine.flatMap((p) => p.events).every((e) => e.doctor === doctor.address)).to.equal(true);
    const other = await allPages(publicClient, coreAddress, { filter: { doctor: doctor2.address as Address } });
    expect(other.flatMap((p) => p.events).map((e) => e.kind)).to.deep.equal(["emergency"]);

    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const recent = await readAccessEventPage(publicClient, coreAddress, {
      filter: { doctor: doctor.address as Address },
      floorBlock: head - 100n,
      limit: 100,
    });
    expect(recent.events).to.have.length(15);
    expect(recent.scannedFrom).to.equal(head - 100n);
    expect(recent.older).to.equal(undefined);
  });

  it("refuses a page size that is not a positive integer, before reading anything", async function () {
    const { coreAddress, patient } = await loadFixture(trailFixture);
    const { publicClient, ranges } = countingClient();
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        await readAccessEventPage(publicClient, coreAddress, {
          filter: { patient: patient.address as Address },
          limit,
        });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(FormatError);
    }
    expect(ranges).to.deep.equal([]);
  });
});
