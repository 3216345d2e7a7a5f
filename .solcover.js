// solidity-coverage: hardhat.config.ts compiles the legacy pipeline (no via-IR) and lifts the
// contract size limit while coverage runs, because instrumentation makes the bytecode far larger.
module.exports = {
  skipFiles: ["interfaces/"],
};
