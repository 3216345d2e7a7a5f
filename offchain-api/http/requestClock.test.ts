import { expect } from "chai";
import { PerBlockReads } from "../../lib/chain/perBlockReads";
import { forbidden, HttpError } from "./errors";
import { arrivedAt, onRecentChainView, requestClock } from "./requestClock";

/** A chain whose one contract read says whether the caller may act; block-number calls counted. */
function chain() {
  const state = { block: 1, allowed: true, blockNumberCalls: 0 };
  const reads = new PerBlockReads(
    async ({ method }) => {
      if (method === "eth_blockNumber") {
        state.blockNumberCalls++;
        return `0x${state.block.toString(16)}`;
      }
      return state.allowed ? "0x01" : "0x00";
    },
    { askedAt: arrivedAt },
  );
  const read = () => reads.request({ method: "eth_call", params: [{ to: "0x01", data: "0xabcd" }, "latest"] } as never);
  /** Throws a 403, as an access check does, when the chain says no. */
  const judge = async () => {
    if ((await read()) !== "0x01") throw forbidden("The patient revoked this doctor's access.");
    return "admitted";
  };
  return { state, read, judge };
}

/** `work` as a request's handling: the clock notes its arrival first, as the app mounts it. */
const asRequest = <T>(work: () => Promise<T>) =>
  new Promise<T>((resolve, reject) => requestClock({} as never, {} as never, () => void work().then(resolve, reject)));

describe("requestClock (when a request arrived, for reads judged at the latest block)", () => {
  it("makes each request learn the latest block from a call started after it arrived", async () => {
    const { state, read } = chain();
    await asRequest(read);
    await asRequest(read);
    expect(state.blockNumberCalls).to.equal(2);
  });

  describe("onRecentChainView", () => {
    it("accepts on a block-number call made up to maxAgeMs before the request arrived (no call of its own)", async () => {
      const { state, read, judge } = chain();
      await asRequest(read);
      expect(await asRequest(() => onRecentChainView(1000, judge))).to.equal("admitted");
      expect(await asRequest(() => onRecentChainView(1000, judge))).to.equal("admitted");
      expect(state.blockNumberCalls).to.equal(1);
    });

    it("asks again once the last call is older than maxAgeMs", async () => {
      const { state, read, judge } = chain();
      await asRequest(read);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await asRequest(() => onRecentChainView(10, judge))).to.equal("admitted");
      expect(state.blockNumberCalls).to.equal(2);
    });

    it("judges a refusal again at the latest block: a grant mined a moment ago is honoured", async () => {
      const { state, judge } = chain();
      state.allowed = false;
      const refused = await asRequest(judge).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(HttpError);
      // The grant is mined; the view of a moment ago (block 1, kept answer "no") still refuses it.
      state.block = 2;
      state.allowed = true;
      expect(await asRequest(() => onRecentChainView(1000, judge))).to.equal("admitted");
      expect(state.blockNumberCalls).to.equal(2);
    });

    it("judges again when `accepted` says no, and answers the latest block's answer", async () => {
      const { state, read } = chain();
      state.allowed = false;
      await asRequest(read);
      state.block = 2;
      state.allowed = true;
      const answer = await asRequest(() => onRecentChainView(1000, read, (allowed) => allowed === "0x01"));
      expect(answer).to.equal("0x01");
      expect(state.blockNumberCalls).to.equal(2);
    });

    it("keeps a refusal the latest block confirms, and does not repeat a judge that failed otherwise", async () => {
      const { judge } = chain();
      const stillNo = chain();
      stillNo.state.allowed = false;
      const refused = await asRequest(() => onRecentChainView(1000, stillNo.judge)).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(HttpError);
      // The first judging's call started after the request arrived: the second may use it too.
      expect(stillNo.state.blockNumberCalls).to.equal(1);
      let tries = 0;
      const unreachable = async () => {
        tries++;
        throw new Error("connect ECONNREFUSED");
      };
      const failed = await asRequest(() => onRecentChainView(1000, unreachable)).catch((error: unknown) => error);
      expect((failed as Error).message).to.equal("connect ECONNREFUSED");
      expect(tries).to.equal(1);
      expect(await asRequest(() => onRecentChainView(1000, judge))).to.equal("admitted");
    });
  });
});
