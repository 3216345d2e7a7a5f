/**
 * The system the browser tests run against, on 127.0.0.1 and temporary folders: anvil
 * (scripts/lib/chain.ts), the contracts from the one deploy path (scripts/lib/deploy.ts) with the
 * demo hospital and doctors (scripts/lib/demo.ts, as `ehr:seed-demo`), the off-chain service with
 * its embedded IPFS node (offchain-api/index.ts startService), and the dApp built once by Vite and served
 * with its /config.json. Nothing is mocked; only MetaMask is replaced (wallet.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { Hex } from "viem";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { deploySystem } from "../../scripts/lib/deploy";
import { demoSteps, DEMO } from "../../scripts/lib/demo";
import { buildWeb, serveWeb } from "../../scripts/lib/web";
import { loadConfig } from "../../offchain-api/config";
import { drain, startService } from "../../offchain-api/index";
import type { ApiServices } from "../../offchain-api/services";
import { TEST_CUSTODIAN_KEK } from "../../offchain-api/testing/serviceProcess";

/** anvil's and Hardhat's well-known development mnemonic: local chains only. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export function devKey(index: number): Hex {
  return HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey as Hex;
}

/** The dev accounts by role: #0 admin, #1 hospital, #2 and #3 demo doctors, #4.. free (patients). */
export const ACCOUNTS = {
  admin: 0,
  hospital: DEMO.hospital.account,
  doctor: DEMO.doctors[0].account,
  doctor2: DEMO.doctors[1].account,
  patient: 4,
  patient2: 5,
  patient3: 6,
} as const;

export interface E2eStack {
  chain: Chain;
  /** The dApp's URL. */
  webUrl: string;
  apiUrl: string;
  core: Hex;
  book: Hex;
  services: ApiServices;
  /** The data folder (chain state under chain/, the service's under api/). */
  dataDir: string;
  /**
   * Stops the service and anvil and starts both again on the same data folder and ports (a
   * restart of the whole stack: state comes only from disk). `chain` and `services` are replaced.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ehr-e2e-"));
  const webDir = path.join(dataDir, "web");
  const [chain] = await Promise.all([
    startChain({ dataDir, port: 0, developmentCalls: true, origins: "*" }),
    buildWeb(webDir),
  ]);
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  const signer = (index: number) => new Wallet(devKey(index), provider);

  const { core, book } = await deploySystem(signer(ACCOUNTS.admin));
  const doctors = DEMO.doctors.map((d) => signer(d.account));
  const steps = demoSteps(core, (doctor) => book.connect(doctors.find((d) => d.address === doctor)!), {
    hospital: signer(ACCOUNTS.hospital).address,
    doctors: doctors.map((d) => d.address),
  });
  for (const step of steps) await (await step.method()).wait();

  const web = await serveWeb(webDir);
  const config = loadConfig({
    EHR_DATA_DIR: dataDir,
    EHR_RPC_URL: chain.url,
    EHR_CORE_ADDRESS: await core.getAddress(),
    EHR_WEB_ORIGIN: web.url,
    EHR_API_HOST: "127.0.0.1",
    EHR_API_PORT: "0",
    EHR_LOG_LEVEL: "silent",
    // The browser and the test drivers all sign in from 127.0.0.1, many times a minute.
    EHR_IP_RATE_LIMIT_PER_MINUTE: "100000",
    EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "10000",
    EHR_CUSTODIAN_KEK: TEST_CUSTODIAN_KEK,
  });
  const started = await startService(config);
  const apiUrl = started.url;
  let { server: api, services } = started;
  await (await core.setCustodianKey(services.custodian.publicKey)).wait();
  const addresses = { core: (await core.getAddress()) as Hex, book: (await book.getAddress()) as Hex };
  web.setConfig({ chainId: chain.chainId, rpcUrl: chain.url, apiUrl, webOrigin: web.url, ...addresses });

  const stack: E2eStack = {
    chain,
    webUrl: web.url,
    apiUrl,
    ...addresses,
    services,
    dataDir,
    async restart() {
      await drain(api, 1000);
      await services.close();
      await stack.chain.stop();
      stack.chain = await startChain({ dataDir, port: stack.chain.port, developmentCalls: true, origins: "*" });
      // The same port, so the dApp's /config.json and every open page still point at it.
      ({ server: api, services } = await startService({ ...config, port: Number(new URL(apiUrl).port) }));
      stack.services = services;
    },
    async close() {
      await Promise.all([web.close(), drain(api, 1000)]);
      await services.close();
      provider.destroy();
      await stack.chain.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
