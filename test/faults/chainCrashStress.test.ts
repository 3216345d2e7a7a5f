/**
 * kill -9 of the local chain at varied moments, with state dumps racing the writes, loses no
 * transaction whose receipt a client saw (scripts/lib/chainFront.ts). Several patients add records
 * concurrently (locally signed, eth_sendRawTransaction, then the receipt through the front, as the
 * bench and the web client do); meanwhile the front is told to dump (Chain.save) again and again,
 * and anvil is SIGKILLed right after a dump or after a random delay; the moment the restarted chain
 * answers, each patient's record count must be at least the number of receipts seen.
 *
 * The bug this guards against: anvil answers eth_sendRawTransaction when the transaction is in its
 * pool and mines it a moment later, and the front journaled it at once (without its block) and let a
 * dump taken in that moment cover its journal position: the dump lacked it, the journal dropped it,
 * and a kill -9 before the next dump lost a transaction the client then saw confirmed. A start also
 * answered reads while replayed transactions were still in anvil's pool (bench:chain saw 296 of 310
 * records). With this small state anvil mines in about a millisecond, so the random cycles rarely
 * hit that window; the last case holds it open (automine off) and fails on the old front.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, NonceManager, keccak256, toUtf8Bytes } from "ethers";
import { EhrCore__factory, type EhrCore } from "../../typechain-types";
import { deploySystem } from "../../scripts/lib/deploy";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { generateUserKey } from "../../lib/keys/userKeyPair";
import { describeFault } from "./support";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const HOUR = 3600;
const PATIENTS = 4;
const CYCLES = 6;
const CHAIN_ID = 31337n;
/** The patients are dev accounts 4, 5, 6... (funded by anvil; 0 deploys). */
const PATIENT_BASE = 4;

describeFault("fault: kill -9 of the local chain amid state dumps keeps every transaction with a receipt", function () {
  this.timeout(90_000);
  let dataDir = "";
  let chain: Chain | undefined;
  let core: EhrCore;

  const wallet = (i: number) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-chain-stress-"));
    chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls: true });
    const provider = new JsonRpcProvider(chain.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    provider.pollingInterval = 20;
    const system = await deploySystem(new NonceManager(wallet(0).connect(provider)));
    core = system.core;
    for (let p = 0; p < PATIENTS; p++) {
      const patient = new NonceManager(wallet(PATIENT_BASE + p).connect(provider));
      await (
        await EhrCore__factory.connect(await core.getAddress(), patient).registerPatient(
          generateUserKey().publicKey,
          keccak256(toUtf8Bytes(`backup ${p}`)),
        )
      ).wait();
    }
    provider.destroy();
  });

  after(async () => {
    await chain?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${CYCLES} cycles of concurrent writes, forced dumps and kill -9 at a random moment lose no confirmed record`, async () => {
    const coreAddress = await core.getAddress();
    /** Receipts with status 1 seen per patient, over all cycles. */
    const confirmed = new Array<number>(PATIENTS).fill(0);
    const seed = Number(process.env.CHAIN_STRESS_SEED ?? Date.now() % 100_000);
    let random = seed;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const report: string[] = [];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const url = chain!.url;
      const nonces = await Promise.all(
        Array.from({ length: PATIENTS }, (_, p) =>
          call(url, "eth_getTransactionCount", [wallet(PATIENT_BASE + p).address, "pending"]),
        ),
      );
      let killed = false;
      const writer = async (p: number) => {
        const patient = wallet(PATIENT_BASE + p);
        let nonce = Number(nonces[p]);
        while (!killed) {
          const data = core.interface.encodeFunctionData("addRecord", [
            patient.address,
            {
              category: 1,
              envelopeHash: keccak256(toUtf8Bytes(`${cycle} ${p} ${nonce}`)),
              cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
              summaryHash: `0x${"00".repeat(32)}`,
              summaryCid: "",
            },
          ]);
          const raw = await patient.signTransaction({
            type: 2,
            chainId: CHAIN_ID,
            to: coreAddress,
            data,
            nonce: nonce++,
            gasLimit: 500_000n,
            maxFeePerGas: 10_000_000_000n,
            maxPriorityFeePerGas: 1_000_000n,
          });
          const hash = (await call(url, "eth_sendRawTransaction", [raw])) as string;
          for (;;) {
            const receipt = (await call(url, "eth_getTransactionReceipt", [hash])) as { status: string } | null;
            if (receipt) {
              expect(receipt.status).to.equal("0x1");
              confirmed[p]++;
              break;
            }
            await sleep(2);
          }
        }
      };
      // Even cycles: kill -9 the moment a forced dump has been written (after a random number of
      // them), so the state on disk is one taken amid the writes. Odd cycles: no dump, kill -9 at
      // a random moment, so the restart replays every write of the cycle from the journal.
      const dumpsBeforeKill = cycle % 2 === 0 ? 2 + Math.floor(next() * 12) : 0;
      const kill = () => {
        if (killed) return;
        killed = true;
        process.kill(chain!.pid, "SIGKILL");
      };
      const killAfter = 100 + Math.floor(next() * 700);
      const killer = async () => {
        if (dumpsBeforeKill === 0) await sleep(killAfter);
        for (let i = 0; i < dumpsBeforeKill && !killed; i++) {
          await sleep(Math.floor(next() * 20));
          await chain!.save();
        }
        kill();
      };
      const running = [...Array.from({ length: PATIENTS }, (_, p) => writer(p)), killer()].map((task) =>
        // Once anvil is gone, a request in flight fails: that write was not confirmed.
        task.catch((error: unknown) => {
          if (!killed) throw error;
        }),
      );
      // A writer's failure before the kill fails the test here.
      await Promise.race([chain!.exited, ...running]);
      kill();
      await chain!.exited;
      // Only our own process is left of the old chain: let its last dump settle before the restart.
      await Promise.all(running);

      chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls: true });
      const reader = EhrCore__factory.connect(
        coreAddress,
        new JsonRpcProvider(chain.url, 31337, { staticNetwork: true, cacheTimeout: -1 }),
      );
      const counts = await Promise.all(
        Array.from({ length: PATIENTS }, (_, p) => reader.recordCount(wallet(PATIENT_BASE + p).address)),
      );
      (reader.runner as JsonRpcProvider).destroy();
      report.push(
        `cycle ${cycle} (seed ${seed}, ${dumpsBeforeKill > 0 ? `kill after dump ${dumpsBeforeKill}` : `kill after ${killAfter} ms`}): confirmed ${confirmed.join(",")}, after restart ${counts.join(",")}, replayed ${chain.replay.replayed}`,
      );
      for (let p = 0; p < PATIENTS; p++) {
        expect(Number(counts[p]), report.join("\n")).to.be.at.least(confirmed[p]);
      }
      expect(chain.replay.diverged, report.join("\n")).to.deep.equal([]);
    }
    if (process.env.CHAIN_STRESS_VERBOSE) console.log(report.join("\n"));
    // Each cycle did write (a kill before any receipt would test nothing).
    expect(confirmed.reduce((a, b) => a + b, 0)).to.be.greaterThan(CYCLES * PATIENTS);
  });

  it("a transaction still in anvil's pool when a dump is taken, mined and confirmed after it, survives kill -9", async () => {
    // Without automine the window is held open: the dump's journal position covers the transaction
    // while anvil has not mined it (with automine the same window lasts the moment mining takes).
    const coreAddress = await core.getAddress();
    const patient = wallet(PATIENT_BASE);
    const count = async () =>
      EhrCore__factory.connect(
        coreAddress,
        new JsonRpcProvider(chain!.url, 31337, { staticNetwork: true, cacheTimeout: -1 }),
      ).recordCount(patient.address);
    const before = await count();
    await call(chain!.url, "evm_setAutomine", [false]);
    const raw = await patient.signTransaction({
      type: 2,
      chainId: CHAIN_ID,
      to: coreAddress,
      data: core.interface.encodeFunctionData("addRecord", [
        patient.address,
        {
          category: 1,
          envelopeHash: keccak256(toUtf8Bytes("pooled")),
          cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
          summaryHash: `0x${"00".repeat(32)}`,
          summaryCid: "",
        },
      ]),
      nonce: Number(await call(chain!.url, "eth_getTransactionCount", [patient.address, "pending"])),
      gasLimit: 500_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    const hash = (await call(chain!.url, "eth_sendRawTransaction", [raw])) as string;
    await chain!.save();
    await call(chain!.url, "evm_mine", []);
    await call(chain!.url, "evm_setAutomine", [true]);
    expect(((await call(chain!.url, "eth_getTransactionReceipt", [hash])) as { status: string }).status).to.equal(
      "0x1",
    );

    process.kill(chain!.pid, "SIGKILL");
    await chain!.exited;
    chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls: true });
    expect(await count()).to.equal(before + 1n);
    expect(await call(chain.url, "eth_getTransactionReceipt", [hash])).to.not.equal(null);
    expect(chain.replay.diverged).to.deep.equal([]);
  });
});

let nextId = 1;
/** One JSON-RPC call (plain fetch: no client-side retries or caches between the test and the front). */
async function call(url: string, method: string, params: unknown[]): Promise<unknown> {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = (await answer.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
