// Fault tests (test/faults): the service as a real process killed, restarted, starved of disk or
// of its chain. `npm run test:faults` runs all of them; `npm run test:faults:fast` (part of
// `npm test`) leaves out the long soak runs (*.long.test.ts).
module.exports = {
  require: ["ts-node/register/transpile-only"],
  spec: ["test/faults/**/*.test.ts"],
  timeout: 180000,
};
