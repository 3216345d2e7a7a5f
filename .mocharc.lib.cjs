// Library tests in Node: every lib/**/*.test.ts (universal: also bundled for Chromium by
// test/browser) and lib/**/*.node.test.ts (Node only: disk, Hardhat, Helia).
module.exports = {
  require: ["ts-node/register/transpile-only"],
  spec: ["lib/**/*.test.ts"],
  timeout: 180000,
};
