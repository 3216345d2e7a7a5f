import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "./tasks";

/** solidity-coverage instruments the bytecode, which pushes the core past the 24 KiB limit. */
const measuringCoverage = process.argv.includes("coverage");

/** The one compiler version, matching the exact `solc` package in package.json. */
const SOLC_VERSION = "0.8.30";

// Hardhat downloads compilers from the internet; ours comes from the pinned npm package instead,
// so compiling works offline and every machine builds the same bytecode.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

/** A remote EVM network (e.g. Besu QBFT) is configured from the environment, never from the repo. */
const remote = process.env.EHR_RPC_URL
  ? {
      ehr: {
        url: process.env.EHR_RPC_URL,
        accounts: process.env.EHR_ADMIN_KEY ? [process.env.EHR_ADMIN_KEY] : [],
        gasPrice: process.env.EHR_GAS_PRICE ? Number(process.env.EHR_GAS_PRICE) : undefined,
      },
    }
  : {};

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      // via-IR makes the core ~10% smaller and bookings cheaper; coverage instruments the legacy pipeline.
      viaIR: !measuringCoverage,
    },
  },
  networks: {
    hardhat: {
      chainId: 31337,
      ...(measuringCoverage
        ? { allowUnlimitedContractSize: true, blockGasLimit: 1_000_000_000, gas: 500_000_000 }
        : {}),
    },
    // The persistent local chain of `npm run chain` (anvil with its default, well-known test accounts).
    // Hardhat signs with them itself: the chain's front does not send for anvil's unlocked accounts.
    localhost: {
      url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
      chainId: 31337,
      accounts: { mnemonic: "test test test test test test test test test test test junk" },
    },
    ...remote,
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
  },
  mocha: {
    timeout: 120_000,
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
};

export default config;
