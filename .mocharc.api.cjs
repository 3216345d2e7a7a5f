// Off-chain service tests: supertest against the exported app, on a real anvil chain and a real
// Helia store in a temporary folder (offchain-api/testing/stack.ts).
module.exports = {
  require: ["ts-node/register/transpile-only"],
  spec: ["offchain-api/**/*.test.ts"],
  timeout: 120000,
};
