/**
 * `npm run bench:keys`: what a user waits for in key management (lib/keys), in Node. Writes
 * bench/results/keys.json ({operation: milliseconds}, median over rounds) and bench/results/keys.md.
 *
 * - createKeyBackup / restoreKeyBackup at the default scrypt cost (N = 2^17, r = 8, p = 1): the
 *   passphrase KDF dominates, and an attacker pays the same per guess.
 * - createUserKey / unlockUserKey with the in-process test wallet: the library's own work around
 *   the wallet (two signatures and their recovery, HKDF, AES-GCM); a real wallet adds the user's clicks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createKeyBackup, DEFAULT_SCRYPT, restoreKeyBackup } from "../lib/keys/keyBackup";
import { createUserKey } from "../lib/keys/createUserKey";
import { unlockUserKey } from "../lib/keys/unlockUserKey";
import { testWalletProvider } from "../lib/keys/testWallet";
import type { KeyBackupMeta } from "../lib/keys/types";

const ROUNDS = { backup: 7, wallet: 21 };
const wallet = testWalletProvider("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const ctx = {
  chainId: 31337,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  address: wallet.address,
} as const;
const meta: KeyBackupMeta = { ...ctx, createdAt: new Date(0).toISOString() };
const passphrase = "correct horse battery staple";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(rounds: number, run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up: JIT and module initialisation
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return Math.round(median(times) * 10) / 10;
}

async function main(): Promise<void> {
  const { key, locked } = await createUserKey(wallet, ctx);
  const file = await createKeyBackup(key, passphrase, meta);
  const results = {
    createUserKey: await measure(ROUNDS.wallet, () => createUserKey(wallet, ctx)),
    unlockUserKey: await measure(ROUNDS.wallet, () => unlockUserKey(wallet, locked)),
    createKeyBackup: await measure(ROUNDS.backup, () => createKeyBackup(key, passphrase, meta)),
    restoreKeyBackup: await measure(ROUNDS.backup, () => restoreKeyBackup(file, passphrase)),
  };
  const dir = path.join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "keys.json"), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    "# Key management timings (Node, median ms)",
    "",
    `Node ${process.version}; scrypt N = 2^${Math.log2(DEFAULT_SCRYPT.N)}, r = ${DEFAULT_SCRYPT.r}, p = ${DEFAULT_SCRYPT.p} ` +
      `(${(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r) / 2 ** 20} MiB). Wallet: in-process test wallet, so no user clicks.`,
    "",
    "| operation | ms |",
    "| --- | ---: |",
    ...Object.entries(results).map(([name, ms]) => `| ${name} | ${ms} |`),
    "",
  ];
  writeFileSync(path.join(dir, "keys.md"), lines.join("\n"));
  console.log(lines.join("\n"));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
