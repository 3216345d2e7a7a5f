import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pino, { type Logger } from "pino";
import { createPublicClient, type PublicClient } from "viem";
import { deploymentFor } from "../deployments/contracts";
import { useNodeCrypto } from "../lib/crypto/aesGcm.node";
import type { Address } from "viem";
import { ChainError } from "../lib/errors";
import { nodeHttpTransport } from "../lib/chain/nodeHttpTransport.node";
import { withPerBlockReads } from "../lib/chain/perBlockReads";
import { arrivedAt } from "./http/requestClock";
import type { KeyVault } from "../lib/storage/types";
import { apiDataDir, type ApiConfig } from "./config";
import { AuditLog } from "./audit/log";
import { CustodianRewrapper } from "./keys/custodianRewrapper";
import { ChainKeyVault } from "./keys/vault";
import { openBlobStore, type ServiceBlobStore } from "./blobs/store";
import { UPLOAD_MIN_CHARGE_BYTES, UploadLedger } from "./blobs/quota";
import { BlobSweeper } from "./blobs/sweeper";
import { UploadsInFlight } from "./blobs/inFlight";
import { loadOrCreateCustodianKey, readKekFile, type CustodianKey } from "./custodian/keypair";
import { IdentityCardStore } from "./identityCards/store";
import { MessageStore } from "./messages/store";
import { SessionService } from "./sessions/service";
import { StateDatabase } from "./state/database";
import { openSummaryService, type SummaryService } from "./summaries/service";

/** Everything the routes use, built once at start (`openServices`) or by the tests. No globals. */
export interface ApiServices {
  config: ApiConfig;
  logger: Logger;
  publicClient: PublicClient;
  chainId: number;
  /** The EhrCore address. */
  core: Address;
  sessions: SessionService;
  /** Ciphertext blobs: the embedded Helia store, or Kubo / IPFS Cluster with `IPFS_API_URL`. */
  blobs: ServiceBlobStore;
  /** Wrapped keys, released under the chain's rules (no emergency re-wrap). */
  keyStore: ChainKeyVault;
  /** What readers ask: the key store behind the emergency custodian. */
  vault: KeyVault;
  custodian: CustodianKey;
  /** Refused key releases, for the patient's activity view. */
  audit: AuditLog;
  summaries: SummaryService;
  /** Sealed messages between patients and doctors (ciphertext only). */
  messages: MessageStore;
  /** Patients' name cards sealed to their doctors (ciphertext only). */
  identityCards: IdentityCardStore;
  /** The service's transactional state (`state.sqlite`): each store adds its own tables with `state.migrate`. */
  state: StateDatabase;
  /** Uploads not yet referenced on-chain, per address (the upload quota). */
  uploads: UploadLedger;
  /** Removes the uploads nothing on the chain references after their grace period. */
  sweeper: BlobSweeper;
  /** The uploads being received now: per address, and their body bytes held (blobs/inFlight.ts). */
  uploadsInFlight: UploadsInFlight;
  close(): Promise<void>;
}

/** 32 random bytes kept in `file` (owner-only), made on first use. */
export async function loadOrCreateSecret(file: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(file);
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    if (bytes.length === 32) return bytes;
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, secret, { mode: 0o600, flag: "wx" }).catch(async (error) => {
    // Another process made it first: use theirs.
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  });
  return readFile(file);
}

/** Builds the services from the configuration: the chain, the stores under the data folder, the custodian. */
export async function openServices(
  config: ApiConfig,
  options: { logger?: Logger; publicClient?: PublicClient } = {},
): Promise<ApiServices> {
  useNodeCrypto();
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: "ehr-api" } });
  // Contract reads answered once per block, always judged at the latest block (lib/chain/perBlockReads.ts).
  const publicClient = withPerBlockReads(
    options.publicClient ??
      // A dead RPC endpoint fails a request within ~20 s (two tries) as 503, never a hang.
      (createPublicClient({
        transport: nodeHttpTransport(config.rpcUrl, { retryCount: 1, timeoutMs: 10_000 }),
      }) as PublicClient),
    { askedAt: arrivedAt },
  );
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (error) {
    // The origin only: a provider's URL may carry credentials or an API key (in its user info or path).
    throw new ChainError(`The chain at ${new URL(config.rpcUrl).origin} could not be reached.`, { cause: error });
  }
  const core = (config.coreAddress ?? deploymentFor(chainId)?.core) as Address | undefined;
  if (!core) {
    throw new ChainError(`No EhrCore is deployed for chain ${chainId}: run the deploy task or set EHR_CORE_ADDRESS.`);
  }
  const dir = apiDataDir(config);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Folders made before (0755) are tightened: only the service's user reads its state and keys. A
  // data folder this user does not own (a mount point) is the operator's to set.
  await Promise.all([chmod(config.dataDir, 0o700).catch(() => undefined), chmod(dir, 0o700)]);
  // The custodian key first: a wrong key-encryption key stops the start before any store is open.
  const kek =
    config.custodianKek?.() ?? (config.custodianKekFile ? await readKekFile(config.custodianKekFile) : undefined);
  const custodian = await loadOrCreateCustodianKey(path.join(dir, "custodian.key"), { kek });
  if (!custodian.encrypted) {
    logger.warn(
      "the emergency custodian key is stored in clear: set EHR_CUSTODIAN_KEK_FILE (or EHR_CUSTODIAN_KEK) to encrypt it",
    );
  }

  const stateFile = path.join(dir, "state.sqlite");
  const state = StateDatabase.open(stateFile, []);
  const blobs = await openBlobStore(config, logger);
  // The upload ledger on its own connection, whose commits do not wait for the disk: a power cut
  // may undo its last rows, which leaves those blobs (fsynced themselves) unswept and out of the
  // quota's count, never a blob removed that a record needs (the sweeper asks the chain first).
  const ledgerState = StateDatabase.open(stateFile, [], { synchronous: "NORMAL" });
  const uploads = new UploadLedger(ledgerState, {
    quotaBytes: config.uploadQuotaBytes,
    keyBackups: config.keyBackupQuota,
    // A file counts at least 4 KiB: the default 200 MiB then holds at most 51,200 unreferenced files
    // (and their key entries), where 121-byte envelopes would be 1.7 million.
    minChargeBytes: UPLOAD_MIN_CHARGE_BYTES,
  });
  const keyStore = new ChainKeyVault({ state, legacyFolder: path.join(dir, "keys"), publicClient, core });
  const sweeper = new BlobSweeper({
    ledger: uploads,
    blobs,
    publicClient,
    core,
    chainId,
    logger,
    graceMs: config.unreferencedGraceSeconds * 1000,
    intervalMs: config.sweepIntervalSeconds * 1000,
    removed: (sha256) => keyStore.forgetEnvelope(sha256),
  });
  const vault = new CustodianRewrapper({
    vault: keyStore,
    publicClient,
    core,
    custodianPrivateKey: custodian.privateKey,
  });
  const audit = AuditLog.open(state, path.join(dir, "audit"));
  const sessions = new SessionService({
    secret: await loadOrCreateSecret(path.join(dir, "session.secret")),
    domain: config.siweDomain,
    origin: config.webOrigin,
    chainId,
    publicClient,
    maxSessionSeconds: config.maxSessionSeconds,
    state,
  });
  const summaries = await openSummaryService(config, logger);
  // Messages in the state database; the file-per-message folder of earlier versions imported once.
  const messages = MessageStore.open(state, path.join(dir, "messages"));

  sweeper.start();
  return {
    config,
    logger,
    publicClient,
    chainId,
    core,
    sessions,
    blobs,
    keyStore,
    vault,
    custodian,
    audit,
    summaries,
    messages,
    identityCards: new IdentityCardStore(state),
    state,
    uploads,
    sweeper,
    uploadsInFlight: new UploadsInFlight(config.maxUploadsInFlightPerAddress, config.maxUploadBytesInFlight),
    async close() {
      await sweeper.stop();
      await Promise.allSettled([blobs.close(), keyStore.close(), audit.close(), summaries.close(), messages.close()]);
      ledgerState.close();
      state.close();
    },
  };
}
