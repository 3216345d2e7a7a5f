/**
 * The real stack the API tests run on: an anvil process (scripts/lib/chain.ts) with the contracts
 * deployed by the one deploy path, a demo hospital, two doctors and two patients with registered
 * encryption keys, the custodian key published, and the service's own data (Helia blocks, wrapped
 * keys, custodian key) in a temporary folder. Nothing is mocked.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import type { Express } from "express";
import pino from "pino";
import {
  createPublicClient,
  createWalletClient,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { createSiweMessage, type CreateSiweMessageParameters } from "viem/siwe";
import request from "supertest";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { deploySystem } from "../../scripts/lib/deploy";
import type { EhrCore } from "../../typechain-types";
import { appointmentBookAbi } from "../../deployments/contracts";
import type { Address, Hex } from "viem";
import { generateUserKey } from "../../lib/keys/userKeyPair";
import type { UserKey } from "../../lib/keys/types";
import { compressPublicKey } from "../../lib/crypto/publicKey";
import { loadConfig, type ApiConfig } from "../config";
import { TEST_CUSTODIAN_KEK } from "./serviceProcess";
import { createApp } from "../app";
import { openServices, type ApiServices } from "../services";

/** anvil's and Hardhat's well-known development mnemonic: local chains only. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const WEB_ORIGIN = "http://localhost:5173";
export { TEST_CUSTODIAN_KEK };

export interface StackAccount {
  address: Address;
  account: PrivateKeyAccount;
  /** A well-known development key (anvil/Hardhat): local chains only. */
  privateKey: Hex;
  wallet: WalletClient;
  /** The encryption key registered on-chain (doctors and patients). */
  key: UserKey;
}

export interface TestStack {
  chain: Chain;
  publicClient: PublicClient;
  /** The EhrCore (typechain, connected to the admin) for setting up scenarios. */
  coreContract: EhrCore;
  core: Address;
  book: Address;
  admin: StackAccount;
  hospital: StackAccount;
  doctor: StackAccount;
  doctor2: StackAccount;
  patient: StackAccount;
  patient2: StackAccount;
  /** Has nothing on the chain. */
  outsider: StackAccount;
  dataDir: string;
  config: ApiConfig;
  services: ApiServices;
  app: Express;
  /** Every line the service logged (JSON), to assert what never appears in logs. */
  logs: string[];
  /** The EhrCore connected to another signer. */
  coreAs(who: StackAccount): EhrCore;
  /** A SIWE message for `who` with a fresh nonce from the service; `overrides` for the bad-input tests. */
  siweMessage(who: StackAccount, overrides?: Partial<CreateSiweMessageParameters>): Promise<string>;
  /** Signs in through the real endpoints; returns the bearer token. */
  signIn(who: StackAccount): Promise<string>;
  /** `who` calls an AppointmentBook function from their wallet and waits for the receipt. */
  writeBook(who: StackAccount, functionName: "book" | "cancel" | "confirm", args: readonly unknown[]): Promise<void>;
  /** Advances the chain's clock (emergency and grant expiry). */
  increaseTime(seconds: number): Promise<void>;
  /** Closes and reopens the services on the same data folder (a service restart). */
  restartServices(env?: NodeJS.ProcessEnv): Promise<void>;
  /**
   * The environment the services run with (data folder, chain, contract, limits), for a service
   * process (testing/serviceProcess.ts) on the same chain and data folder.
   */
  readonly serviceEnv: NodeJS.ProcessEnv;
  /** Closes the in-process services (until `restartServices`), so that a service process can take over the data folder. */
  stopServices(): Promise<void>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Extra environment for `loadConfig` (e.g. EHR_MAX_UPLOAD_BYTES). */
  env?: NodeJS.ProcessEnv;
  /** Skip publishing the custodian key. @default false */
  withoutCustodian?: boolean;
}

const ALWAYS_AVAILABLE = Array(7).fill((1n << 48n) - 1n) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ehr-api-"));
  const chain = await startChain({ dataDir, port: 0, developmentCalls: true });
  const viemChain = { ...foundry, id: chain.chainId, rpcUrls: { default: { http: [chain.url] } } };
  const publicClient = createPublicClient({ chain: viemChain, transport: http(chain.url) }) as PublicClient;
  const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;

  const make = (index: number): StackAccount => {
    const privateKey = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey as Hex;
    const account = privateKeyToAccount(privateKey);
    const wallet = createWalletClient({ account, chain: viemChain, transport: http(chain.url) });
    return { address: account.address, account, privateKey, wallet, key: generateUserKey() };
  };
  const [admin, hospital, doctor, doctor2, patient, patient2, outsider] = [0, 1, 2, 3, 4, 5, 6].map(make);
  const signerOf = (who: StackAccount) => new Wallet(who.privateKey, provider);

  const { core: coreContract, book } = await deploySystem(signerOf(admin));
  const core = (await coreContract.getAddress()) as Address;
  const coreAs = (who: StackAccount) => coreContract.connect(signerOf(who));
  const bookAs = (who: StackAccount) => book.connect(signerOf(who));
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  await wait(coreContract.addHospital(hospital.address, "Test General"));
  for (const [i, d] of [doctor, doctor2].entries()) {
    await wait(coreContract.onboardDoctor(d.address, 1, 100 + i, `0x${"ab".repeat(31)}0${i}`, `Dr Test ${i}`, ""));
    await wait(coreAs(d).setEncryptionKey(d.key.publicKey, `0x${"00".repeat(32)}`));
    await wait(bookAs(d).setWeeklyAvailability(ALWAYS_AVAILABLE));
  }
  for (const p of [patient, patient2]) await wait(coreAs(p).registerPatient(p.key.publicKey, `0x${"11".repeat(32)}`));

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const baseEnv: NodeJS.ProcessEnv = {
    EHR_DATA_DIR: dataDir,
    EHR_RPC_URL: chain.url,
    EHR_CORE_ADDRESS: core,
    EHR_WEB_ORIGIN: WEB_ORIGIN,
    EHR_LOG_LEVEL: "info",
    // Every test request comes from 127.0.0.1: the per-IP limits (http/rateLimit.ts) would otherwise
    // count a whole suite as one client. The limit tests set their own.
    EHR_IP_RATE_LIMIT_PER_MINUTE: "1000000",
    EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: "1000000",
    EHR_CUSTODIAN_KEK: TEST_CUSTODIAN_KEK,
  };
  let serviceEnv: NodeJS.ProcessEnv = {};
  let stopped = false;
  const open = async (env: NodeJS.ProcessEnv = {}) => {
    serviceEnv = { ...baseEnv, ...options.env, ...env };
    const config = loadConfig(serviceEnv);
    const services = await openServices(config, { logger: pino({ level: config.logLevel }, sink), publicClient });
    return { config, services, app: createApp(services) };
  };
  let opened = await open();
  if (!options.withoutCustodian) await wait(coreContract.setCustodianKey(opened.services.custodian.publicKey));

  const stack: TestStack = {
    chain,
    publicClient,
    coreContract,
    core,
    book: (await book.getAddress()) as Address,
    admin,
    hospital,
    doctor,
    doctor2,
    patient,
    patient2,
    outsider,
    dataDir,
    get config() {
      return opened.config;
    },
    get services() {
      return opened.services;
    },
    get app() {
      return opened.app;
    },
    logs,
    coreAs,
    siweMessage: (who, overrides = {}) => siweMessageFrom(opened.app, chain.chainId, who, overrides),
    signIn: (who) => signInTo(opened.app, chain.chainId, who),
    async writeBook(who, functionName, args) {
      const hash = await who.wallet.writeContract({
        address: stack.book,
        abi: appointmentBookAbi,
        functionName,
        args,
        account: who.account,
        chain: null,
      } as never);
      await publicClient.waitForTransactionReceipt({ hash });
    },
    async increaseTime(seconds) {
      await provider.send("evm_increaseTime", [seconds]);
      await provider.send("evm_mine", []);
    },
    get serviceEnv() {
      return serviceEnv;
    },
    async restartServices(env) {
      await stack.stopServices();
      opened = await open(env);
      stopped = false;
    },
    async stopServices() {
      if (stopped) return;
      stopped = true;
      await opened.services.close();
    },
    async close() {
      await stack.stopServices();
      provider.destroy();
      await chain.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A SIWE message for `who` with a fresh nonce from `app`; `overrides` for the bad-input tests. */
export async function siweMessageFrom(
  app: Express,
  chainId: number,
  who: StackAccount,
  overrides: Partial<CreateSiweMessageParameters> = {},
): Promise<string> {
  const { body } = await request(app).get("/v1/auth/nonce").expect(200);
  return createSiweMessage({
    address: who.address,
    chainId,
    domain: new URL(WEB_ORIGIN).host,
    uri: WEB_ORIGIN,
    version: "1",
    nonce: body.nonce,
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 3600_000),
    statement: "Sign in to Patient EHR.",
    ...overrides,
  });
}

/** Signs `who` in to `app` through the real endpoints; returns the bearer token. */
export async function signInTo(app: Express, chainId: number, who: StackAccount): Promise<string> {
  const message = await siweMessageFrom(app, chainId, who);
  const signature = await who.account.signMessage({ message });
  const { body } = await request(app).post("/v1/auth/session").send({ message, signature }).expect(201);
  return body.token as string;
}

/** The compressed form of a stack account's registered key (what the chain returns). */
export function registeredKey(who: StackAccount): Hex {
  return compressPublicKey(who.key.publicKey) as Hex;
}
