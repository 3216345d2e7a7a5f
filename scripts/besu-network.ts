/**
 * Generates a four-validator Besu QBFT network for deploy/besu/docker-compose.yml:
 *
 *   npx ts-node --transpile-only scripts/besu-network.ts --accounts 0xDeployer,0xHospital [--validators 4] [--out deploy/besu/out]
 *
 * Node keys are written to the output folder only (git ignores deploy/besu/out/). See docs/besu.md.
 */
import path from "node:path";
import { isAddress, type Address } from "viem";
import { generateNetwork } from "./lib/besu";

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function main(): void {
  const accounts = (option("accounts") ?? "").split(",").filter(Boolean);
  const bad = accounts.find((a) => !isAddress(a));
  if (accounts.length === 0 || bad !== undefined) {
    console.error(bad ? `Not an address: ${bad}` : "Usage: --accounts 0xDeployer[,0x...] [--validators 4] [--out dir]");
    process.exit(2);
  }
  const outDir = path.resolve(option("out") ?? path.join(__dirname, "..", "deploy", "besu", "out"));
  const { nodes, genesis } = generateNetwork({
    outDir,
    validators: option("validators") === undefined ? undefined : Number(option("validators")),
    accounts: accounts as Address[],
  });
  console.log(`Wrote ${outDir}: chain ${genesis.config.chainId}, ${nodes.length} validators:`);
  for (const n of nodes) console.log(`  node${n.index + 1} ${n.address}`);
}

main();
