/**
 * The local chain's front (scripts/lib/chainFront.ts) does not pass development calls to strangers
 * (issue 15). `npm start` serves the chain on 127.0.0.1:8545, open to every local process and,
 * through the browser, to every page the user opens. anvil behind it takes anvil_setCode,
 * anvil_setBalance, evm_revert, evm_increaseTime and eth_sendTransaction from its unlocked dev
 * accounts: anyone could have replaced the contracts' code, moved time or sent as the admin. By
 * default the front now answers only reads and signed transactions (each call of a batch judged
 * alone), offers no accounts, refuses bodies that are not application/json (a page's text/plain
 * POST needs no CORS preflight) and lets only the dApp's origins read answers. A chain started
 * with `developmentCalls` (the test stacks) passes everything, as before.
 * A real anvil behind the real front; transactions are signed locally, as the dApp's are.
 */
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
/** Deploys a 10-byte contract whose code returns 42. */
const INIT_CODE = "0x600a600c600039600a6000f3602a60005260206000f3";
const DAPP_ORIGIN = "http://127.0.0.1:5173";
const STRANGER_ORIGIN = "https://attacker.example";

type RpcError = { code: number; message: string };
type RpcBody = { id?: unknown; result?: unknown; error?: RpcError };

const wallet = (i: number) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);

describeFault("fault: a stranger's development calls to the chain front", function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const chains: Chain[] = [];
  const start = async (developmentCalls?: boolean) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-chain-access-"));
    dirs.push(dataDir);
    const chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls });
    chains.push(chain);
    return chain;
  };

  after(async () => {
    for (const chain of chains) await chain.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Deploys the small contract with a locally signed transaction (the dApp's way); its address. */
  const deploy = async (chain: Chain, from: HDNodeWallet): Promise<string> => {
    const raw = await from.signTransaction({
      type: 2,
      chainId: CHAIN_ID,
      data: INIT_CODE,
      nonce: Number(await call(chain.url, "eth_getTransactionCount", [from.address, "pending"])),
      gasLimit: 100_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    const hash = await call(chain.url, "eth_sendRawTransaction", [raw]);
    const receipt = (await call(chain.url, "eth_getTransactionReceipt", [hash])) as { contractAddress: string };
    return receipt.contractAddress;
  };

  /** What a stranger would change: the contract's code, an account's balance and nonce, the head block. */
  const snapshot = async (chain: Chain, contract: string, account: string) => ({
    code: await call(chain.url, "eth_getCode", [contract, "latest"]),
    balance: await call(chain.url, "eth_getBalance", [account, "latest"]),
    nonce: await call(chain.url, "eth_getTransactionCount", [account, "latest"]),
    block: await call(chain.url, "eth_getBlockByNumber", ["latest", false]),
    journal: readJournal(chain.journalFile).length,
  });

  describe("with development calls off (the default, npm start)", () => {
    let chain: Chain;
    let contract: string;
    const admin = wallet(0);

    before(async () => {
      chain = await start();
      contract = await deploy(chain, wallet(3));
    });

    it("refuses anvil_setCode, anvil_setBalance, evm_* and debug calls, and the chain is unchanged", async () => {
      const before = await snapshot(chain, contract, admin.address);
      expect(before.code).to.equal("0x602a60005260206000f3");
      const attempts: [string, unknown[]][] = [
        ["anvil_setCode", [contract, "0x00"]],
        ["hardhat_setCode", [contract, "0x00"]],
        ["anvil_setBalance", [admin.address, "0x0"]],
        ["anvil_setNonce", [admin.address, "0x99"]],
        ["anvil_setStorageAt", [contract, "0x0", `0x${"11".repeat(32)}`]],
        ["evm_snapshot", []],
        ["evm_revert", ["0x0"]],
        ["anvil_reset", []],
        ["evm_mine", []],
        ["anvil_mine", ["0x10"]],
        ["evm_increaseTime", [86_400]],
        ["evm_setNextBlockTimestamp", [4_000_000_000]],
        ["evm_setAutomine", [false]],
        ["anvil_impersonateAccount", [admin.address]],
        ["anvil_dumpState", []],
        ["debug_traceCall", [{ to: contract }, "latest"]],
        ["txpool_content", []],
        ["ANVIL_setBalance", [admin.address, "0x0"]],
      ];
      for (const [method, params] of attempts) {
        const { status, body } = await post(chain.url, { jsonrpc: "2.0", id: 9, method, params });
        expect(status, method).to.equal(200);
        expect((body as RpcBody).error?.code, method).to.equal(-32601);
        expect((body as RpcBody).error?.message, method).to.match(/development calls are off/);
        expect((body as RpcBody).id, method).to.equal(9);
      }
      expect(await snapshot(chain, contract, admin.address)).to.deep.equal(before);
    });

    it("offers no dev accounts and refuses to send or sign as one", async () => {
      const before = await snapshot(chain, contract, admin.address);
      expect(await call(chain.url, "eth_accounts", [])).to.deep.equal([]);
      const tx = { from: admin.address, to: wallet(9).address, value: "0xde0b6b3a7640000" };
      for (const [method, params] of [
        ["eth_sendTransaction", [tx]],
        ["eth_sendTransactionSync", [tx]],
        ["eth_signTransaction", [tx]],
        ["eth_sign", [admin.address, "0x00"]],
        ["personal_sign", ["0x00", admin.address]],
        ["eth_signTypedData_v4", [admin.address, "{}"]],
      ] as [string, unknown[]][]) {
        const { body } = await post(chain.url, { jsonrpc: "2.0", id: 1, method, params });
        expect((body as RpcBody).error?.code, method).to.equal(-32601);
      }
      expect(await snapshot(chain, contract, admin.address)).to.deep.equal(before);
    });

    it("refuses a body that is not application/json with 415 (a page's text/plain POST), and a GET with 405", async () => {
      const before = await snapshot(chain, contract, admin.address);
      const payload = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: ["0x00"] });
      for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", undefined]) {
        const answer = await fetch(chain.url, {
          method: "POST",
          headers: type ? { "Content-Type": type, Origin: STRANGER_ORIGIN } : { Origin: STRANGER_ORIGIN },
          body: type ? payload : new Blob([payload]),
        });
        expect(answer.status, String(type)).to.equal(415);
        expect(answer.headers.get("access-control-allow-origin"), String(type)).to.equal(null);
        expect(((await answer.json()) as RpcBody).error?.message).to.match(/must be JSON/);
      }
      const get = await fetch(chain.url);
      expect(get.status).to.equal(405);
      // JSON with a charset is JSON.
      const charset = await post(
        chain.url,
        { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
        {
          "Content-Type": "application/json; charset=utf-8",
        },
      );
      expect((charset.body as RpcBody).result).to.equal(`0x${CHAIN_ID.toString(16)}`);
      expect(await snapshot(chain, contract, admin.address)).to.deep.equal(before);
    });

    it("answers each call of a batch alone: reads and a signed transaction run, development calls are refused", async () => {
      const sender = wallet(4);
      const raw = await sender.signTransaction({
        type: 2,
        chainId: CHAIN_ID,
        to: wallet(5).address,
        value: 1n,
        nonce: Number(await call(chain.url, "eth_getTransactionCount", [sender.address, "pending"])),
        gasLimit: 21_000n,
        maxFeePerGas: 10_000_000_000n,
        maxPriorityFeePerGas: 1_000_000n,
      });
      const codeBefore = await call(chain.url, "eth_getCode", [contract, "latest"]);
      const balanceBefore = await call(chain.url, "eth_getBalance", [admin.address, "latest"]);
      const { status, body } = await post(chain.url, [
        { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
        { jsonrpc: "2.0", id: 2, method: "anvil_setCode", params: [contract, "0x00"] },
        { jsonrpc: "2.0", id: 3, method: "eth_sendRawTransaction", params: [raw] },
        { jsonrpc: "2.0", id: 4, method: "anvil_setBalance", params: [admin.address, "0x0"] },
        { jsonrpc: "2.0", id: 5, method: "eth_accounts", params: [] },
      ]);
      expect(status).to.equal(200);
      const answers = body as RpcBody[];
      expect(answers.map((a) => a.id)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(answers[0].result).to.equal(`0x${CHAIN_ID.toString(16)}`);
      expect(answers[1].error?.code).to.equal(-32601);
      expect(answers[2].result).to.match(/^0x[0-9a-f]{64}$/);
      expect(answers[3].error?.code).to.equal(-32601);
      expect(answers[4].result).to.deep.equal([]);
      const receipt = (await call(chain.url, "eth_getTransactionReceipt", [answers[2].result])) as { status: string };
      expect(receipt.status).to.equal("0x1");
      expect(await call(chain.url, "eth_getCode", [contract, "latest"])).to.equal(codeBefore);
      expect(await call(chain.url, "eth_getBalance", [admin.address, "latest"])).to.equal(balanceBefore);

      // A batch anvil would take but the front cannot read as JSON-RPC is not passed on at all.
      const mixed = await post(chain.url, [
        { jsonrpc: "2.0", id: 1, method: "anvil_setCode", params: [contract, "0x00"] },
        { jsonrpc: "2.0", id: 2 },
      ]);
      expect((mixed.body as RpcBody).error?.code).to.equal(-32600);
      expect(await call(chain.url, "eth_getCode", [contract, "latest"])).to.equal(codeBefore);
    });

    it("lets the dApp's origin read answers and no other page", async () => {
      const read = (origin: string) =>
        fetch(chain.url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Origin: origin },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
        });
      expect((await read(DAPP_ORIGIN)).headers.get("access-control-allow-origin")).to.equal(DAPP_ORIGIN);
      expect((await read("http://localhost:5173")).headers.get("access-control-allow-origin")).to.equal(
        "http://localhost:5173",
      );
      expect((await read(STRANGER_ORIGIN)).headers.get("access-control-allow-origin")).to.equal(null);
      const preflight = (origin: string) =>
        fetch(chain.url, {
          method: "OPTIONS",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
          },
        });
      const allowed = await preflight(DAPP_ORIGIN);
      expect(allowed.status).to.equal(204);
      expect(allowed.headers.get("access-control-allow-origin")).to.equal(DAPP_ORIGIN);
      expect(allowed.headers.get("access-control-allow-methods")).to.match(/POST/);
      expect(allowed.headers.get("access-control-allow-headers")).to.match(/content-type/i);
      const refused = await preflight(STRANGER_ORIGIN);
      expect(refused.headers.get("access-control-allow-origin")).to.equal(null);
      expect(refused.headers.get("access-control-allow-methods")).to.equal(null);
    });
  });

  describe("with development calls on (the test stacks)", () => {
    it("passes development calls and dev-account sends, and journals them", async () => {
      const chain = await start(true);
      const contract = await deploy(chain, wallet(3));
      const [first] = (await call(chain.url, "eth_accounts", [])) as string[];
      expect(first.toLowerCase()).to.equal(wallet(0).address.toLowerCase());
      await call(chain.url, "anvil_setCode", [contract, "0x6001"]);
      expect(await call(chain.url, "eth_getCode", [contract, "latest"])).to.equal("0x6001");
      const height = Number(await call(chain.url, "eth_blockNumber", []));
      await call(chain.url, "evm_mine", []);
      expect(Number(await call(chain.url, "eth_blockNumber", []))).to.equal(height + 1);
      const hash = await call(chain.url, "eth_sendTransaction", [{ from: first, to: wallet(9).address, value: "0x1" }]);
      expect(((await call(chain.url, "eth_getTransactionReceipt", [hash])) as { status: string }).status).to.equal(
        "0x1",
      );
      const methods = readJournal(chain.journalFile).map((entry) => entry.method);
      expect(methods).to.include.members(["anvil_setCode", "evm_mine", "eth_sendTransaction"]);
    });
  });
});

/** One JSON-RPC POST; the HTTP status and the parsed body, whatever the status. */
async function post(
  url: string,
  payload: unknown,
  headers: Record<string, string> = { "Content-Type": "application/json" },
): Promise<{ status: number; body: RpcBody | RpcBody[] }> {
  const answer = await fetch(url, { method: "POST", headers, body: JSON.stringify(payload) });
  return { status: answer.status, body: (await answer.json()) as RpcBody | RpcBody[] };
}

let nextId = 1;
/** One JSON-RPC call (plain fetch: no client-side retries or caches between the test and the front). */
async function call(url: string, method: string, params: unknown[]): Promise<unknown> {
  const { body } = await post(url, { jsonrpc: "2.0", id: nextId++, method, params });
  const single = body as RpcBody;
  if (single.error) throw new Error(`${method}: ${single.error.message}`);
  return single.result;
}
