/**
 * The local chain's journaling front (scripts/lib/chainFront.ts) cannot be stalled by a stranger
 * (issue 15, open attack 3). A transaction with a nonce gap (a future nonce) is not mined now; the
 * front used to wait for its receipt under the lock that orders every write (about 2.3 s each), so
 * a loop of them from any funded address held up everyone's writes and reads. Now such a
 * transaction never reaches anvil's pool: it is refused ("nonce too high") after a short grace
 * spent outside the lock, waiting for the same account's earlier nonce. The front also bounds its
 * input: bodies over 1 MiB and batches over 100 calls are refused with 413 and a JSON-RPC error.
 * A real anvil behind the real front; the transactions are signed locally, as the dApp's are.
 */
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { HDNodeWallet } from "ethers";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { readJournal } from "../../scripts/lib/chainJournal";
import { describeFault } from "./support";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const CHAIN_ID = 31337;
/** Long enough that no periodic dump runs during the test. */
const HOUR = 3600;
/** Parallel loops of nonce-gap transactions, each from its own funded dev account (6, 7, 8, 9). */
const GAP_LOOPS = 4;
const NORMAL_WRITES = 5;

interface RpcAnswer {
  status: number;
  body:
    { result?: unknown; error?: { code: number; message: string } } | { error?: { code: number; message: string } }[];
}

describeFault("fault: the chain front under nonce gaps, oversized bodies and batches", function () {
  this.timeout(180_000);
  let dataDir = "";
  let chain: Chain;

  const wallet = (i: number) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
  const nextNonce = async (address: string) =>
    Number(await call(chain.url, "eth_getTransactionCount", [address, "pending"]));
  /** A signed 1-wei transfer from `from` at `nonce`. */
  const transfer = (from: HDNodeWallet, nonce: number) =>
    from.signTransaction({
      type: 2,
      chainId: CHAIN_ID,
      to: wallet(1).address,
      value: 1n,
      nonce,
      gasLimit: 21_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-chain-front-"));
    chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls: true });
  });

  after(async () => {
    await chain?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a loop of nonce-gap transactions does not hold up another account's writes, and none of them is kept", async () => {
    const writer = wallet(4);
    let stop = false;
    /** Gap transactions answered so far, and what they were answered. */
    let gapAnswered = 0;
    const gapAnswers: string[] = [];
    const gapHashes: string[] = [];
    const loop = async (account: HDNodeWallet) => {
      let far = (await nextNonce(account.address)) + 1000;
      while (!stop) {
        const raw = await transfer(account, far++);
        const answer = await post(chain.url, {
          jsonrpc: "2.0",
          id: 1,
          method: "eth_sendRawTransaction",
          params: [raw],
        });
        const body = answer.body as { result?: string; error?: { message: string } };
        if (body.result) gapHashes.push(body.result);
        gapAnswers.push(body.error?.message.replace(/\d+/g, "N") ?? "accepted");
        gapAnswered++;
      }
    };
    const loops = Array.from({ length: GAP_LOOPS }, (_, i) => loop(wallet(6 + i)));
    // Every loop has a gap transaction at the front before the first normal write is sent.
    await sleep(300);

    const answeredBefore = gapAnswered;
    let nonce = await nextNonce(writer.address);
    const writeMs: number[] = [];
    for (let i = 0; i < NORMAL_WRITES; i++) {
      const started = Date.now();
      const hash = (await call(chain.url, "eth_sendRawTransaction", [await transfer(writer, nonce++)])) as string;
      const receipt = (await call(chain.url, "eth_getTransactionReceipt", [hash])) as { status: string } | null;
      expect(receipt?.status).to.equal("0x1");
      writeMs.push(Date.now() - started);
    }
    const answeredDuring = gapAnswered - answeredBefore;
    stop = true;
    await Promise.all(loops);

    const figures = `gap transactions answered during the ${NORMAL_WRITES} writes: ${answeredDuring}; write times ${writeMs.join(", ")} ms; answers: ${[...new Set(gapAnswers)].join(" | ")}`;
    if (process.env.CHAIN_FRONT_VERBOSE) console.log(figures);
    // The old front answered each write only after the gap transactions queued before it, one per
    // loop (about 2.3 s each): 20 answers during the five writes, 9 s a write. Now a gap transaction
    // waits outside the lock and the writes pass it; a loop is answered once per grace (1 s), so the
    // count depends only on how long the five writes take: fewer than half the old count leaves
    // room for a loaded machine (the writes may take up to about 2.5 s together).
    expect(answeredDuring, figures).to.be.below((NORMAL_WRITES * GAP_LOOPS) / 2);
    // None was let into anvil's pool or into the journal: refused, each with the same sentence.
    expect(gapHashes, figures).to.deep.equal([]);
    for (const answer of gapAnswers) expect(answer).to.match(/^nonce too high/);
    const pool = (await call(chain.url, "txpool_status", [])) as { pending: string; queued: string };
    expect(Number(pool.queued)).to.equal(0);
    const journaled = readJournal(chain.journalFile).filter((entry) => entry.method === "eth_sendRawTransaction");
    expect(journaled.every((entry) => entry.block !== undefined)).to.equal(true);
  });

  it("two transactions of one account that arrive out of order are both mined (the gap is filled within the grace)", async () => {
    const account = wallet(5);
    const nonce = await nextNonce(account.address);
    const [later, earlier] = [await transfer(account, nonce + 1), await transfer(account, nonce)];
    const second = call(chain.url, "eth_sendRawTransaction", [later]);
    await sleep(100);
    const first = (await call(chain.url, "eth_sendRawTransaction", [earlier])) as string;
    const hashes = [first, (await second) as string];
    for (const hash of hashes) {
      const receipt = (await call(chain.url, "eth_getTransactionReceipt", [hash])) as { status: string } | null;
      expect(receipt?.status).to.equal("0x1");
    }
    expect(await nextNonce(account.address)).to.equal(nonce + 2);
  });

  it("the receipt-waiting (EIP-7966 *Sync) and node-signed sends are refused the same way on a gap, and answered on no gap", async () => {
    const account = wallet(7);
    const nonce = await nextNonce(account.address);
    // anvil itself would wait 30 s for the receipt of a queued transaction, under the front's lock.
    await expectRefused(call(chain.url, "eth_sendRawTransactionSync", [await transfer(account, nonce + 3)]));
    const receipt = (await call(chain.url, "eth_sendRawTransactionSync", [await transfer(account, nonce)])) as {
      status: string;
      from: string;
    };
    expect(receipt.status).to.equal("0x1");
    expect(receipt.from.toLowerCase()).to.equal(account.address.toLowerCase());

    // eth_sendTransaction: anvil signs for its own dev account 8.
    const signer = wallet(8).address;
    const request = (n: number) => ({
      from: signer,
      to: wallet(1).address,
      value: "0x1",
      nonce: `0x${n.toString(16)}`,
    });
    const next = await nextNonce(signer);
    await expectRefused(call(chain.url, "eth_sendTransaction", [request(next + 5)]));
    const hash = (await call(chain.url, "eth_sendTransaction", [request(next)])) as string;
    expect(((await call(chain.url, "eth_getTransactionReceipt", [hash])) as { status: string }).status).to.equal("0x1");
    const pool = (await call(chain.url, "txpool_status", [])) as { queued: string };
    expect(Number(pool.queued)).to.equal(0);
  });

  it("refuses a body over 1 MiB with 413 and a JSON-RPC error, and changes nothing", async () => {
    const before = readJournal(chain.journalFile).length;
    const filler = "0".repeat(1024 * 1024);
    const answer = await post(chain.url, {
      jsonrpc: "2.0",
      id: 7,
      method: "eth_sendRawTransaction",
      params: [`0x${filler}`],
    });
    expect(answer.status).to.equal(413);
    const body = answer.body as { error?: { code: number; message: string } };
    expect(body.error?.code).to.equal(-32600);
    expect(body.error?.message).to.match(/larger than 1 MiB/);
    expect(readJournal(chain.journalFile).length).to.equal(before);
    // The front still answers.
    expect(await call(chain.url, "eth_chainId", [])).to.equal(`0x${CHAIN_ID.toString(16)}`);
  });

  it("refuses a batch of more than 100 calls with 413 and answers one of 100", async () => {
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_blockNumber", params: [] }));
    const refused = await post(chain.url, batch(101));
    expect(refused.status).to.equal(413);
    const [error] = refused.body as { error?: { code: number; message: string } }[];
    expect(error.error?.code).to.equal(-32600);
    expect(error.error?.message).to.match(/at most 100/);
    const answered = await post(chain.url, batch(100));
    expect(answered.status).to.equal(200);
    expect(answered.body as unknown[]).to.have.length(100);
  });

  it("a client that sends its body slowly holds up no one's write", async () => {
    const slow = http.request(chain.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": "200" },
    });
    slow.on("error", () => undefined);
    slow.write('[{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x');
    await sleep(50);
    const writer = wallet(4);
    const hash = (await call(chain.url, "eth_sendRawTransaction", [
      await transfer(writer, await nextNonce(writer.address)),
    ])) as string;
    expect(((await call(chain.url, "eth_getTransactionReceipt", [hash])) as { status: string }).status).to.equal("0x1");
    slow.destroy();
  });
});

/** One JSON-RPC POST; the HTTP status and the parsed body, whatever the status. */
async function post(url: string, payload: unknown): Promise<RpcAnswer> {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
  });
  return { status: answer.status, body: (await answer.json()) as RpcAnswer["body"] };
}

let nextId = 1;
/** One JSON-RPC call (plain fetch: no client-side retries or caches between the test and the front). */
async function call(url: string, method: string, params: unknown[]): Promise<unknown> {
  const { body } = await post(url, { jsonrpc: "2.0", id: nextId++, method, params });
  const single = body as { result?: unknown; error?: { message: string } };
  if (single.error) throw new Error(`${method}: ${single.error.message}`);
  return single.result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function expectRefused(answer: Promise<unknown>): Promise<void> {
  const error = await answer.then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  expect(error?.message).to.match(/nonce too high/);
}
