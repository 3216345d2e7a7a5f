/**
 * `npm start`: the whole system on one machine. Today that is the persistent local chain (anvil,
 * state under `.data/`), the contracts (deployed only if absent) and, on the first run, a demo
 * hospital with two doctors. The storage service and the web dApp join here as they are built.
 * Ctrl-C stops everything cleanly; the next `npm start` finds the same state.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { Wallet, HDNodeWallet, Mnemonic } from "ethers";
import { DEFAULT_PORT, defaultDataDir, startChain } from "./lib/chain";
import { DEMO } from "./lib/demo";

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

async function main(): Promise<void> {
  const port = process.env.EHR_CHAIN_PORT ? Number(process.env.EHR_CHAIN_PORT) : DEFAULT_PORT;
  const dataDir = defaultDataDir();
  const chain = await startChain({ dataDir, port });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: saving the chain state and stopping...`);
    await chain.stop();
    console.log("Stopped. `npm start` again picks up where this left off.");
    process.exit(0);
  };
  process.on("SIGINT", (s) => void stop(s));
  process.on("SIGTERM", (s) => void stop(s));

  try {
    const env = { ...process.env, LOCAL_RPC_URL: chain.url };
    await hardhat(["ehr:deploy", "--network", "localhost"], env);
    await hardhat(["ehr:seed-demo", "--network", "localhost"], env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop("setup failed");
    return;
  }

  const role = (i: number) =>
    i === 0
      ? "admin (deployer)"
      : i === DEMO.hospital.account
        ? DEMO.hospital.name
        : (DEMO.doctors.find((d) => d.account === i)?.name ?? "free: use as a patient");
  console.log(`
The EHR system is running.
  Chain:     ${chain.url}  (chain id ${chain.chainId}; state in ${chain.stateFile})
  MetaMask:  add a network with RPC URL ${chain.url}, chain id ${chain.chainId}, currency symbol ETH.
  Contracts: deployments/localhost.json, and deployments/contracts.ts for the API and the web.

Local test accounts (the well-known development keys of anvil and Hardhat: for this local chain
only; anyone can spend what they hold on a public network):`);
  for (let i = 0; i < 6; i++) {
    const account = devAccount(i);
    console.log(`  #${i} ${account.address}  ${account.privateKey}  ${role(i)}`);
  }
  console.log(`
Next: the admin tasks work against this chain, e.g.
  npx hardhat ehr:status --network localhost
The web dApp and the storage service are not built yet; see README.md.
Stop with Ctrl-C.`);
  const code = await chain.exited;
  if (!stopping) {
    console.error(`The chain stopped on its own (code ${code}).`);
    process.exit(code ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
