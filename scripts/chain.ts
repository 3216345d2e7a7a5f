/**
 * `npm run chain`: the persistent local chain on 127.0.0.1:8545 (chain id 31337): anvil behind a
 * journaling front (scripts/lib/chain.ts). Its state is in `<data dir>/chain/` (data dir `.data/`,
 * or EHR_DATA_DIR): a dump every 5 s and on exit, and a journal of every change since, fsync'd
 * before the change is answered, so patients and records survive a restart and kill -9.
 * EHR_CHAIN_PORT overrides the port. Clients may read and send signed transactions; development
 * calls (anvil_*, evm_*, sends from anvil's unlocked accounts) only with EHR_CHAIN_DEV_CALLS=1.
 */
import { DEFAULT_PORT, defaultDataDir, developmentCallsFromEnv, startChain } from "./lib/chain";

async function main(): Promise<void> {
  const port = process.env.EHR_CHAIN_PORT ? Number(process.env.EHR_CHAIN_PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EHR_CHAIN_PORT "${process.env.EHR_CHAIN_PORT}" is not a port number.`);
  }
  const developmentCalls = developmentCallsFromEnv();
  const chain = await startChain({ dataDir: defaultDataDir(), port, verbose: true, developmentCalls });
  console.log(`\nEHR local chain: ${chain.url} (chain id ${chain.chainId})`);
  console.log(
    `State: ${chain.stateFile} (saved every 5 s and on exit; every change since is in ${chain.journalFile}).`,
  );
  if (developmentCalls)
    console.log("Development calls are on (EHR_CHAIN_DEV_CALLS=1): any local client can rewrite the chain.");
  if (chain.replay.replayed > 0) console.log(`Replayed ${chain.replay.replayed} change(s) from the journal.`);
  console.log("Stop with Ctrl-C.\n");

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: saving the chain state and stopping the chain...`);
    await chain.stop();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", (s) => void stop(s));
  process.on("SIGTERM", (s) => void stop(s));

  const code = await chain.exited;
  if (!stopping) {
    console.error(`anvil exited on its own (code ${code}).`);
    process.exit(code ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
