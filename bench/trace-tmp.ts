import { ethers, network } from "hardhat";
import { deploySystem } from "../scripts/lib/deploy";
async function main() {
  const [admin, hosp, d1, d2, p1, p2] = await ethers.getSigners();
  const { core, book } = await deploySystem(admin);
  await core.addHospital(hosp.address, "General");
  await core.onboardDoctor(d1.address, 1, 7, ethers.id("lic1"), "Dr One", "ipfs://x");
  const key = () => "0x" + ethers.Wallet.createRandom().signingKey.publicKey.slice(4);
  await core.connect(p1).registerPatient(key(), ethers.id("b"));
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  await book.connect(d1).setWeeklyAvailability(Array(7).fill((1n << 48n) - 1n) as any);
  const start = Math.ceil((now + 86400) / 1800) * 1800;
  await book.connect(p1).book(d1.address, start, 0, 0);
  const tx = await book.connect(p1).book(d1.address, start + 1800, 0, 0);
  const r = await tx.wait();
  const t: any = await network.provider.send("debug_traceTransaction", [tx.hash, {disableMemory: true, disableStack: true, disableStorage: true}]);
  const by: Record<string, number> = {};
  for (const s of t.structLogs) by[s.op] = (by[s.op] ?? 0) + s.gasCost;
  console.log("total", r!.gasUsed.toString());
  console.log(Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,12));
  console.log(t.structLogs.filter((s: any) => ["SLOAD","SSTORE","STATICCALL","CALL","LOG4","LOG3"].includes(s.op)).map((s: any) => `${s.depth} ${s.op} ${s.gasCost}`).join("\n"));
}
main();
