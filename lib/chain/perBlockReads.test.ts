import { expect } from "chai";
import { createPublicClient, custom, encodeFunctionResult, parseAbi, type PublicClient } from "viem";
import { PerBlockReads, withPerBlockReads } from "./perBlockReads";

/** A fake chain: a block number the test moves, eth_call answers counted, each call held until released. */
function fakeChain() {
  const state = { block: 5, calls: 0, blockNumberCalls: 0, answer: "0x01", fail: false };
  const pending: (() => void)[] = [];
  const hold = <T>(value: () => T) =>
    new Promise<T>((resolve, reject) =>
      pending.push(() => {
        try {
          resolve(value());
        } catch (error) {
          reject(error);
        }
      }),
    );
  const inner = async ({ method }: { method: string; params?: unknown }): Promise<unknown> => {
    if (method === "eth_blockNumber") {
      state.blockNumberCalls++;
      // The block number as of when the node answered; the answer reaches the caller later.
      const block = state.block;
      return hold(() => `0x${block.toString(16)}`);
    }
    if (method === "eth_call") {
      state.calls++;
      const answer = state.answer;
      return hold(() => {
        if (state.fail) throw new Error("execution reverted");
        return answer;
      });
    }
    return `other:${method}`;
  };
  /** Answers everything asked so far, and what that asks in turn, until nothing is pending. */
  const settle = async () => {
    for (let round = 0; round < 20; round++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const now = pending.splice(0);
      if (now.length === 0 && round > 2) return;
      now.forEach((release) => release());
    }
  };
  return { state, inner, settle };
}

const call = (data = "0xabcd") => ({ method: "eth_call", params: [{ to: "0x01", data }, "latest"] }) as never;

describe("perBlockReads (contract reads once per block, judged at the latest block)", () => {
  it("answers repeated reads of one block from the first, after one block-number call each", async () => {
    const chain = fakeChain();
    const reads = new PerBlockReads(chain.inner);
    const first = reads.request(call());
    await chain.settle();
    expect(await first).to.equal("0x01");
    chain.state.answer = "0x02";
    const second = reads.request(call());
    await chain.settle();
    expect(await second).to.equal("0x01");
    expect(chain.state.calls).to.equal(1);
    expect(chain.state.blockNumberCalls).to.equal(2);
  });

  it("drops every answer once a newer block is seen: a change mined in block N is read at N", async () => {
    const chain = fakeChain();
    const reads = new PerBlockReads(chain.inner);
    const before = reads.request(call());
    await chain.settle();
    expect(await before).to.equal("0x01");
    // A revoke mined: a new block, a new answer.
    chain.state.block = 6;
    chain.state.answer = "0x00";
    const after = reads.request(call());
    await chain.settle();
    expect(await after).to.equal("0x00");
    expect(chain.state.calls).to.equal(2);
  });

  it("never uses a block-number call that was already in flight when the read was asked", async () => {
    const chain = fakeChain();
    const reads = new PerBlockReads(chain.inner);
    const warm = reads.request(call());
    await chain.settle();
    await warm;
    // A read starts a block-number call; the block changes while it is in flight; a second read
    // asked after the change must not take that call's (older) answer.
    const early = reads.request(call("0x01"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    chain.state.block = 7;
    chain.state.answer = "0x00";
    const late = reads.request(call());
    const lateToo = reads.request(call());
    await chain.settle();
    await early;
    expect(await late).to.equal("0x00");
    expect(await lateToo).to.equal("0x00");
    // The two late reads shared one block-number call: warm, early, late = 3.
    expect(chain.state.blockNumberCalls).to.equal(3);
  });

  it("never goes back to an older block's answers when a node answers an older block number", async () => {
    const chain = fakeChain();
    const reads = new PerBlockReads(chain.inner);
    chain.state.block = 9;
    const first = reads.request(call());
    await chain.settle();
    await first;
    chain.state.answer = "0x02";
    chain.state.block = 8;
    const lagging = reads.request(call());
    await chain.settle();
    // Still block 9's answer (kept for 9), not an "8" entry.
    expect(await lagging).to.equal("0x01");
  });

  it("keeps no failed read, an answer no longer than maxAgeMs, and passes other requests through", async () => {
    const chain = fakeChain();
    let now = 0;
    const reads = new PerBlockReads(chain.inner, { maxAgeMs: 1000, now: () => now });
    chain.state.fail = true;
    const failed = reads.request(call()).then(
      () => "answered",
      (error: Error) => error.message,
    );
    await chain.settle();
    expect(await failed).to.equal("execution reverted");
    chain.state.fail = false;
    const retried = reads.request(call());
    await chain.settle();
    expect(await retried).to.equal("0x01");
    now = 1500;
    chain.state.answer = "0x03";
    const aged = reads.request(call());
    await chain.settle();
    expect(await aged).to.equal("0x03");
    expect(chain.state.calls).to.equal(3);
    // A read at a given block, and anything but eth_call, are not touched.
    expect(await reads.request({ method: "eth_getLogs", params: [] } as never)).to.equal("other:eth_getLogs");
    const pinned = reads.request({ method: "eth_call", params: [{ to: "0x01", data: "0xabcd" }, "0x5"] } as never);
    await chain.settle();
    expect(await pinned).to.equal("0x03");
    expect(chain.state.calls).to.equal(4);
  });

  it("lets a request use a block-number call started after it arrived, never one started before", async () => {
    const chain = fakeChain();
    // A millisecond before now: a browser's performance.now() is coarse (100 µs in Chromium), and a
    // call started in the same tick as the arrival does not count as after it.
    let arrived = performance.now() - 1;
    const reads = new PerBlockReads(chain.inner, { askedAt: () => arrived });
    const first = reads.request(call("0x01"));
    await chain.settle();
    await first;
    // The same request's next read: the call started after it arrived serves it.
    const second = reads.request(call("0x02"));
    await chain.settle();
    await second;
    expect(chain.state.blockNumberCalls).to.equal(1);
    // A request arriving now (after that call started): a call of its own, which sees block 6.
    chain.state.block = 6;
    chain.state.answer = "0x00";
    arrived = performance.now() + 1;
    const later = reads.request(call("0x01"));
    await chain.settle();
    expect(await later).to.equal("0x00");
    expect(chain.state.blockNumberCalls).to.equal(2);
  });

  describe("readContract (decoded answers)", () => {
    const abi = parseAbi([
      "function patient(address who) view returns ((uint8 status, uint64[] tags))",
      "function count(uint256 n) view returns (uint256)",
    ]);
    const patientRead = {
      address: "0x0000000000000000000000000000000000000001",
      abi,
      functionName: "patient",
    } as const;
    /** A decoder that counts its calls and answers a fresh struct each time, as viem does. */
    const decoder = () => {
      const counted = { decodes: 0, fail: false };
      const read = async () => {
        counted.decodes++;
        if (counted.fail) throw new Error("execution reverted");
        return { status: 2, tags: [1n, 2n] };
      };
      return { counted, read };
    };

    it("decodes a read once per block, and again once a newer block is seen", async () => {
      const chain = fakeChain();
      const reads = new PerBlockReads(chain.inner);
      const { counted, read } = decoder();
      const params = { ...patientRead, args: ["0x00000000000000000000000000000000000000aa"] } as const;
      const first = reads.readContract(params, read);
      await chain.settle();
      const second = reads.readContract(params, read);
      await chain.settle();
      expect(await second).to.equal(await first);
      expect(counted.decodes).to.equal(1);
      chain.state.block = 6;
      const after = reads.readContract(params, read);
      await chain.settle();
      expect(await after).to.not.equal(await first);
      expect(counted.decodes).to.equal(2);
    });

    it("freezes a decoded answer all the way down: no reader changes what the next one gets", async () => {
      const chain = fakeChain();
      const reads = new PerBlockReads(chain.inner);
      const answer = reads.readContract(
        { ...patientRead, args: ["0x00000000000000000000000000000000000000aa"] },
        decoder().read,
      );
      await chain.settle();
      const patient = (await answer) as { status: number; tags: bigint[] };
      expect(() => {
        patient.status = 0;
      }).to.throw(TypeError);
      expect(() => patient.tags.push(3n)).to.throw(TypeError);
      expect(patient).to.deep.equal({ status: 2, tags: [1n, 2n] });
    });

    it("keeps different arguments apart, and no failed read", async () => {
      const chain = fakeChain();
      const reads = new PerBlockReads(chain.inner);
      const { counted, read } = decoder();
      const ask = async (args: readonly unknown[]) => {
        const answer = reads.readContract(
          { address: patientRead.address, abi, functionName: "count", args } as never,
          read,
        );
        answer.catch(() => undefined);
        await chain.settle();
        return answer;
      };
      // 1n, the string "1n", the number 1, the string "'1n" (the key's own marks) and 2n: five reads.
      for (const args of [[1n], ["1n"], [1], ["'1n"], [2n], [1n], ["1n"]]) await ask(args);
      expect(counted.decodes).to.equal(5);
      counted.fail = true;
      await ask([3n]).catch(() => undefined);
      counted.fail = false;
      await ask([3n]);
      expect(counted.decodes).to.equal(7);
    });

    it("passes a read at a given block, with an account or with overrides straight through", async () => {
      const chain = fakeChain();
      const reads = new PerBlockReads(chain.inner);
      const { counted, read } = decoder();
      const args = ["0x00000000000000000000000000000000000000aa"] as const;
      for (const extra of [
        { blockNumber: 5n },
        { blockTag: "safe" },
        { account: patientRead.address },
        { stateOverride: [] },
      ]) {
        for (let i = 0; i < 2; i++) await reads.readContract({ ...patientRead, args, ...extra } as never, read);
      }
      expect(counted.decodes).to.equal(8);
      expect(chain.state.blockNumberCalls).to.equal(0);
    });

    it("serves a client's readContract: one eth_call and one decoding per block", async () => {
      const chain = fakeChain();
      const encoded = encodeFunctionResult({ abi, functionName: "patient", result: { status: 1, tags: [7n] } });
      chain.state.answer = encoded;
      const client = createPublicClient({ transport: custom({ request: chain.inner }) }) as PublicClient;
      const perBlock = withPerBlockReads(client);
      const read = () =>
        perBlock.readContract({ ...patientRead, args: ["0x00000000000000000000000000000000000000aa"] });
      const first = read();
      await chain.settle();
      const second = read();
      await chain.settle();
      expect(await first).to.deep.equal({ status: 1, tags: [7n] });
      // The same frozen object: viem did not decode it again.
      expect(await second).to.equal(await first);
      expect(Object.isFrozen(await first)).to.equal(true);
      expect(chain.state.calls).to.equal(1);
    });
  });
});
