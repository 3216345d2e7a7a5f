/**
 * `npm start`: the whole system on one machine: the persistent local chain (anvil, state under
 * `.data/`), the contracts (deployed only if absent) and, on the first run, a demo hospital with two
 * doctors; the off-chain service in this process with its embedded IPFS node (data under
 * `.data/api/`), its custodian key published on first run; and the web dApp, built by Vite and served
 * with its /config.json. (A production build rather than Vite's dev server: one start-up cost of a
 * few seconds, then the same files users get, no on-demand transforms on first load.)
 * Ctrl-C stops everything cleanly; the next `npm start` finds the same state.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Wallet, HDNodeWallet, Mnemonic } from "ethers";
import { custodianKey } from "../lib/chain/ehr";
import type { Address } from "viem";
import { compressPublicKey } from "../lib/crypto/publicKey";
import { loadConfig } from "../offchain-api/config";
import { ensureLocalKekFile } from "../offchain-api/custodian/keypair";
import { drain, startService } from "../offchain-api/index";
import type { ApiServices } from "../offchain-api/services";
import { DEFAULT_PORT, defaultDataDir, developmentCallsFromEnv, startChain } from "./lib/chain";
import { DEMO } from "./lib/demo";
import { readDeployment } from "./lib/deployments";
import { buildWeb, serveWeb, type WebServer } from "./lib/web";

/** Where the dApp is served. EHR_WEB_PORT overrides. */
const DEFAULT_WEB_PORT = 5173;

/** anvil's and Hardhat's well-known development mnemonic: local chains only, never real funds. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

function hardhat(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const bin = path.join(__dirname, "..", "node_modules", ".bin", "hardhat");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: "inherit", env, cwd: path.join(__dirname, "..") });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`hardhat ${args[0]} failed (exit code ${code}).`)),
    );
  });
}

function devAccount(index: number): Wallet | HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEV_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

/**
 * Publishes the service's custodian key on the chain when it is not there yet (the first run), through
 * the admin's `ehr:publish-custodian` task, which fetches it from the running service.
 */
async function publishCustodian(services: ApiServices, apiUrl: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const onChain = await custodianKey(services.publicClient, services.core);
  if (onChain?.toLowerCase() === compressPublicKey(services.custodian.publicKey).toLowerCase()) return false;
  await hardhat(["ehr:publish-custodian", "--network", "localhost", "--api-url", apiUrl], env);
  return true;
}

/**
 * The custodian key's key-encryption key: the operator's (EHR_CUSTODIAN_KEK or _FILE), else a local
 * one at `.secrets/custodian.kek` in the repository (git-ignored, 0600), outside `.data` so a copy of
 * the data folder does not carry the key that opens it.
 */
async function custodianKekEnv(): Promise<NodeJS.ProcessEnv> {
  if (process.env.EHR_CUSTODIAN_KEK || process.env.EHR_CUSTODIAN_KEK_FILE) return {};
  const file = path.join(__dirname, "..", ".secrets", "custodian.kek");
  if (await ensureLocalKekFile(file)) {
    console.log(
      `Made a local key-encryption key for the custodian key: ${path.relative(process.cwd(), file)} (keep it apart from backups of .data).`,
    );
  }
  return { EHR_CUSTODIAN_KEK_FILE: file };
}

async function main(): Promise<void> {
  // Everything this process and its children write (chain state, service state, keys) is owner-only.
  process.umask(0o077);
  const port = process.env.EHR_CHAIN_PORT ? Number(process.env.EHR_CHAIN_PORT) : DEFAULT_PORT;
  const webPort = process.env.EHR_WEB_PORT ? Number(process.env.EHR_WEB_PORT) : DEFAULT_WEB_PORT;
  const dataDir = defaultDataDir();
  // Only the dApp's pages may read the chain; development calls only when asked for.
  const origins = [`http://127.0.0.1:${webPort}`, `http://localhost:${webPort}`];
  const chain = await startChain({ dataDir, port, origins, developmentCalls: developmentCallsFromEnv() });
  let api: Awaited<ReturnType<typeof startService>> | undefined;
  let web: WebServer | undefined;
  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the web server and the service, saving the chain state...`);
    await web?.close();
    if (api) {
      await drain(api.server, 10_000);
      await api.services.close();
    }
    await chain.stop();
    console.log("Stopped. `npm start` again picks up where this left off.");
    process.exit(code);
  };
  process.on("SIGINT", (s) => void stop(s));
  process.on("SIGTERM", (s) => void stop(s));

  let published: boolean;
  const env = { ...process.env, LOCAL_RPC_URL: chain.url };
  try {
    await hardhat(["ehr:deploy", "--network", "localhost"], env);
    await hardhat(["ehr:seed-demo", "--network", "localhost"], env);
    // Built before the web server listens, and read after the deploy so the module has this chain's addresses.
    const webDir = path.join(dataDir, "web");
    await buildWeb(webDir);
    web = await serveWeb(webDir, { port: webPort });
    const { core, appointmentBook } = readLocalDeployment();
    const config = loadConfig({
      ...process.env,
      ...(await custodianKekEnv()),
      EHR_DATA_DIR: dataDir,
      EHR_RPC_URL: chain.url,
      EHR_CORE_ADDRESS: core,
      EHR_WEB_ORIGIN: web.url,
      EHR_LOG_LEVEL: process.env.EHR_LOG_LEVEL ?? "warn",
    });
    api = await startService(config);
    published = await publishCustodian(api.services, api.url, env);
    web.setConfig({
      chainId: chain.chainId,
      rpcUrl: chain.url,
      apiUrl: api.url,
      core,
      book: appointmentBook,
      webOrigin: web.url,
      chainName: "EHR local chain",
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop("setup failed", 1);
    return;
  }

  const role = (i: number) =>
    i === 0
      ? "admin (deployer)"
      : i === DEMO.hospital.account
        ? DEMO.hospital.name
        : (DEMO.doctors.find((d) => d.account === i)?.name ?? "free: use as a patient");
  console.log(`
The EHR system is running. Open ${web!.url} in a browser with MetaMask.

  MetaMask network: name "EHR local chain", RPC URL ${chain.url}, chain id ${chain.chainId}, currency symbol ETH
                    (the dApp offers to add it when you connect).
  Service:   ${api!.url}  (data in ${path.join(dataDir, "api")}${published ? "; custodian key published" : ""})
  Chain:     ${chain.url}  (state in ${chain.stateFile})
  Contracts: deployments/localhost.json, and deployments/contracts.ts for the API and the web.

Local test accounts (the well-known development keys of anvil and Hardhat: for this local chain
only; anyone can spend what they hold on a public network):`);
  for (let i = 0; i < 6; i++) {
    const account = devAccount(i);
    console.log(`  #${i} ${account.address}  ${account.privateKey}  ${role(i)}`);
  }
  console.log(`
Import a key into MetaMask ("Import account") to act as that user. The admin tasks work against
this chain, e.g. npx hardhat ehr:status --network localhost
Stop with Ctrl-C.`);
  const code = await chain.exited;
  if (!stopping) {
    console.error(`The chain stopped on its own (code ${code}).`);
    process.exit(code ?? 1);
  }
}

/** The addresses `ehr:deploy` recorded for the local chain. */
function readLocalDeployment(): { core: Address; appointmentBook: Address } {
  const record = readDeployment("localhost");
  if (!record) throw new Error("deployments/localhost.json is missing after the deploy.");
  return { core: record.core.address as Address, appointmentBook: record.appointmentBook.address as Address };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
