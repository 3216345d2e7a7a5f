import path from "node:path";
import { z } from "zod";
import { FormatError } from "../lib/errors";
import { parseKek } from "./custodian/keypair";
import { parseSwarmKey, type SwarmKey } from "./storage/swarmKey";

/** The service's configuration, parsed from the environment once at start (see README, "Off-chain service"). */
export interface ApiConfig {
  /** @default 8787 */
  port: number;
  /** @default "127.0.0.1" */
  host: string;
  /** Everything the service keeps: `<dataDir>/api/` (blocks, pins, wrapped keys, custodian key, session secret). @default ".data" */
  dataDir: string;
  /** The chain's JSON-RPC endpoint. @default "http://127.0.0.1:8545" */
  rpcUrl: string;
  /** The EhrCore address; by default the one `deployments/contracts.ts` lists for the chain's id. */
  coreAddress?: `0x${string}`;
  /** The web dApp's origin: the only CORS origin, and the URI a SIWE message must name. @default "http://localhost:5173" */
  webOrigin: string;
  /** The domain a SIWE message must name. @default the host of `webOrigin` */
  siweDomain: string;
  /** Largest upload accepted, in bytes (413 beyond). @default 52428800 (50 MiB) */
  maxUploadBytes: number;
  /** Largest summary input as a document (a PDF or a FHIR Bundle), in bytes (413 beyond). @default 10485760 (10 MiB) */
  maxSummaryBytes: number;
  /**
   * Largest text a summary reads, in bytes: a text/plain body (413 beyond) and the text layer of a
   * PDF, in characters (422 beyond). A long clinical note is some tens of KB. @default 2097152 (2 MiB)
   */
  maxSummaryTextBytes: number;
  /** Summary worker threads (each loads the narrative model, if any). @default 1 */
  summaryWorkers: number;
  /** Longest one summary may run in its worker, in seconds (fractions allowed); then 422 and a fresh worker. @default 20 */
  summaryTimeoutSeconds: number;
  /** Summaries that may wait for a free worker; beyond it 503 with Retry-After. @default 8 */
  summaryQueue: number;
  /**
   * Bytes an address may have uploaded that no mined record or registered key references yet (413
   * beyond; offchain-api/blobs/quota.ts). At least `maxUploadBytes`. @default 4 × maxUploadBytes
   */
  uploadQuotaBytes: number;
  /** Key backups an address may have uploaded and not yet registered on-chain. @default 3 */
  keyBackupQuota: number;
  /** Uploads one signed-in address may send at once (offchain-api/blobs/inFlight.ts); one more is 429 with Retry-After. @default 2 */
  maxUploadsInFlightPerAddress: number;
  /**
   * Body bytes of all uploads being received at once (each its Content-Length; a chunked one counts as
   * `maxUploadBytes`); one more is 503 with Retry-After. At least `maxUploadBytes`. @default 8 × maxUploadBytes
   */
  maxUploadBytesInFlight: number;
  /** How long an unreferenced upload is kept before the sweeper removes it, in seconds. @default 86400 (24 h) */
  unreferencedGraceSeconds: number;
  /** How often the sweeper of unreferenced uploads runs, in seconds. @default 600 */
  sweepIntervalSeconds: number;
  /** A Kubo RPC API (or IPFS Cluster proxy) to store blocks in instead of the embedded Helia node, without credentials. */
  ipfsApiUrl?: string;
  /**
   * The `Authorization` header for a protected Kubo RPC or proxy: `Basic` from `IPFS_API_URL`'s
   * user info or `IPFS_API_USER`/`IPFS_API_PASSWORD`, or `Bearer` from `IPFS_API_TOKEN`. A function,
   * so that logging or serializing the configuration never shows it. @default undefined (none sent)
   */
  ipfsApiAuthorization?: () => string;
  /**
   * The private IPFS network of service instances (offchain-api/storage/privateSwarm.ts): on when
   * `EHR_SWARM_LISTEN` is set, otherwise off (no networking). @default undefined
   */
  swarm?: SwarmConfig;
  /** A local transformers.js seq2seq model folder for the optional narrative summary. */
  summarizerModelDir?: string;
  /** Requests per minute per signed-in address (on top of the per-IP limit). @default 600 */
  rateLimitPerMinute: number;
  /** Requests per minute per client IP, signed in or not (every request but the health probes). @default 1200 */
  ipRateLimitPerMinute: number;
  /** Sign-in requests (nonce and verify) per minute per client IP. @default 30 */
  signInRateLimitPerMinute: number;
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-For names the client IP (limits, logs).
   * `false` (the socket's peer, which a client cannot choose), a hop count, or addresses/subnets
   * (`loopback`, `10.0.0.0/8`, ...). @default false
   */
  trustProxy: boolean | number | string;
  /** Time to receive a request's headers, in seconds (slow-header clients are cut). @default 10 */
  headersTimeoutSeconds: number;
  /**
   * Time to receive a whole request, body included, in seconds. @default 30 s plus the largest
   * upload at 256 KiB/s (230 s for 50 MiB)
   */
  requestTimeoutSeconds: number;
  /** How long an idle keep-alive connection stays open, in seconds. @default 5 */
  keepAliveTimeoutSeconds: number;
  /** Open connections per client IP (the socket's peer); beyond it a new one is closed at once. @default 64 */
  maxConnectionsPerIp: number;
  /** Longest session a SIWE message may ask for, in seconds. @default 43200 (12 h) */
  maxSessionSeconds: number;
  /**
   * The custodian key's key-encryption key from `EHR_CUSTODIAN_KEK` (64 hex digits or base64 of 32
   * bytes). A function, so that logging or serializing the configuration never shows it.
   */
  custodianKek?: () => Uint8Array;
  /** ... or read at start from `EHR_CUSTODIAN_KEK_FILE` (outside the data folder). */
  custodianKekFile?: string;
  /** pino level. @default "info" */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/** The private network's settings (README, "Storage on more than one machine"). */
export interface SwarmConfig {
  /** Multiaddrs to listen on (`EHR_SWARM_LISTEN`, comma-separated), e.g. `/ip4/0.0.0.0/tcp/4001`. */
  listen: string[];
  /** The other instances (`EHR_SWARM_PEERS`, comma-separated), each ending in `/p2p/<peer id>`. @default [] */
  peers: string[];
  /** The pre-shared key, from `EHR_SWARM_KEY` (never logged) ... */
  key?: SwarmKey;
  /** ... or read at start from `EHR_SWARM_KEY_FILE` (Kubo's swarm.key). */
  keyFile?: string;
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const HOST = String.raw`/(?:ip4|ip6|dns|dns4|dns6)/[^/\s,]+/tcp/\d{1,5}`;
const LISTEN_ADDRESS = new RegExp(`^${HOST}$`);
const PEER_ADDRESS = new RegExp(`^${HOST}/p2p/[1-9A-HJ-NP-Za-km-z]{46,64}$`);
/** A comma-separated list of multiaddrs of one shape (a typo stops the service at start). */
const multiaddrList = (shape: RegExp, example: string) =>
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((address) => shape.test(address)), `each address must look like ${example}`);

const schema = z.object({
  EHR_API_PORT: integer(8787, 0, 65535),
  EHR_API_HOST: z.string().min(1).default("127.0.0.1"),
  EHR_DATA_DIR: z.string().min(1).default(".data"),
  EHR_RPC_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8545"),
  EHR_CORE_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
    .optional(),
  EHR_WEB_ORIGIN: z.url({ protocol: /^https?$/ }).default("http://localhost:5173"),
  EHR_SIWE_DOMAIN: z.string().min(1).optional(),
  EHR_MAX_UPLOAD_BYTES: integer(50 * 1024 * 1024, 1024, 2 ** 31),
  EHR_MAX_SUMMARY_BYTES: integer(10 * 1024 * 1024, 1024, 2 ** 31),
  EHR_MAX_SUMMARY_TEXT_BYTES: integer(2 * 1024 * 1024, 1024, 2 ** 30),
  EHR_SUMMARY_WORKERS: integer(1, 1, 64),
  EHR_SUMMARY_TIMEOUT_SECONDS: z.coerce.number().min(0.01).max(3600).default(20),
  EHR_SUMMARY_QUEUE: integer(8, 0, 10_000),
  EHR_UPLOAD_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 48)
    .optional(),
  EHR_KEY_BACKUP_QUOTA: integer(3, 1, 1000),
  EHR_MAX_UPLOADS_IN_FLIGHT: integer(2, 1, 10_000),
  EHR_MAX_UPLOAD_BYTES_IN_FLIGHT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 ** 48)
    .optional(),
  EHR_UNREFERENCED_GRACE_SECONDS: integer(24 * 3600, 0, 365 * 24 * 3600),
  EHR_SWEEP_INTERVAL_SECONDS: integer(600, 1, 7 * 24 * 3600),
  IPFS_API_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  IPFS_API_USER: z.string().min(1).optional(),
  IPFS_API_PASSWORD: z.string().min(1).optional(),
  IPFS_API_TOKEN: z.string().min(1).optional(),
  SUMMARIZER_MODEL_DIR: z.string().min(1).optional(),
  EHR_SWARM_LISTEN: multiaddrList(LISTEN_ADDRESS, "/ip4/<address>/tcp/<port>").optional(),
  EHR_SWARM_PEERS: multiaddrList(PEER_ADDRESS, "/ip4/<address>/tcp/<port>/p2p/<peer id>").optional(),
  EHR_SWARM_KEY: z.string().min(1).optional(),
  EHR_SWARM_KEY_FILE: z.string().min(1).optional(),
  EHR_RATE_LIMIT_PER_MINUTE: integer(600, 1, 1_000_000),
  EHR_IP_RATE_LIMIT_PER_MINUTE: integer(1200, 1, 1_000_000),
  EHR_SIGNIN_RATE_LIMIT_PER_MINUTE: integer(30, 2, 1_000_000),
  EHR_TRUST_PROXY: z
    .string()
    .regex(
      /^(false|\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/,
      "must be false, a hop count, or proxy addresses/subnets (e.g. loopback, 10.0.0.0/8)",
    )
    .refine((v) => v !== "true", "true would let any client choose its IP: name the proxies or a hop count")
    .default("false"),
  EHR_HEADERS_TIMEOUT_SECONDS: integer(10, 1, 600),
  EHR_REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
  EHR_KEEP_ALIVE_TIMEOUT_SECONDS: integer(5, 1, 600),
  EHR_MAX_CONNECTIONS_PER_IP: integer(64, 1, 100_000),
  EHR_MAX_SESSION_SECONDS: integer(12 * 3600, 60, 7 * 24 * 3600),
  EHR_CUSTODIAN_KEK: z.string().min(1).optional(),
  EHR_CUSTODIAN_KEK_FILE: z.string().min(1).optional(),
  EHR_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The swarm settings that only make sense together (README, "Storage on more than one machine"). */
function checkSwarm(e: z.infer<typeof schema>, context: z.RefinementCtx): void {
  const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
  const listening = (e.EHR_SWARM_LISTEN?.length ?? 0) > 0;
  if (e.EHR_SWARM_KEY && e.EHR_SWARM_KEY_FILE) {
    issue("EHR_SWARM_KEY", "set EHR_SWARM_KEY or EHR_SWARM_KEY_FILE, not both");
  }
  if (e.EHR_SWARM_KEY) {
    try {
      parseSwarmKey(e.EHR_SWARM_KEY);
    } catch {
      issue("EHR_SWARM_KEY", "is not a swarm key (Kubo's swarm.key text, or its 64 hex digits)");
    }
  }
  if (listening && !e.EHR_SWARM_KEY && !e.EHR_SWARM_KEY_FILE) {
    issue("EHR_SWARM_LISTEN", "the private network needs its key: set EHR_SWARM_KEY_FILE (or EHR_SWARM_KEY)");
  }
  if (!listening && (e.EHR_SWARM_PEERS?.length || e.EHR_SWARM_KEY || e.EHR_SWARM_KEY_FILE)) {
    issue("EHR_SWARM_LISTEN", "set it to join the private network (the swarm key and peers do nothing without it)");
  }
  if (listening && e.IPFS_API_URL) {
    issue(
      "EHR_SWARM_LISTEN",
      "the private network runs over the embedded store; with IPFS_API_URL, the Kubo node's own swarm replicates",
    );
  }
}

/** The Kubo RPC credentials: one way at a time, and only with `IPFS_API_URL` (messages never echo values). */
function checkIpfsApiAuth(e: z.infer<typeof schema>, context: z.RefinementCtx): void {
  const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
  const inUrl = e.IPFS_API_URL ? URL.canParse(e.IPFS_API_URL) && new URL(e.IPFS_API_URL).username !== "" : false;
  const separate = Boolean(e.IPFS_API_USER || e.IPFS_API_PASSWORD);
  if (!e.IPFS_API_URL && (separate || e.IPFS_API_TOKEN)) {
    issue("IPFS_API_URL", "credentials for the Kubo RPC API need IPFS_API_URL");
  }
  if (Boolean(e.IPFS_API_USER) !== Boolean(e.IPFS_API_PASSWORD)) {
    issue("IPFS_API_USER", "set both IPFS_API_USER and IPFS_API_PASSWORD");
  }
  if ([inUrl, separate, Boolean(e.IPFS_API_TOKEN)].filter(Boolean).length > 1) {
    issue(
      "IPFS_API_TOKEN",
      "give the Kubo RPC credentials one way: in IPFS_API_URL, IPFS_API_USER/PASSWORD or IPFS_API_TOKEN",
    );
  }
}

/** Slowest upload the default request timeout allows for: 256 KiB/s (about 2 Mbit/s). */
const MIN_UPLOAD_BYTES_PER_SECOND = 256 * 1024;

/** The request timeout: given, or long enough for the largest upload at the slowest sane rate. */
function requestTimeoutSeconds(e: z.infer<typeof schema>): number {
  return e.EHR_REQUEST_TIMEOUT_SECONDS ?? 30 + Math.ceil(e.EHR_MAX_UPLOAD_BYTES / MIN_UPLOAD_BYTES_PER_SECOND);
}

/**
 * Limits that must leave room for each other: Node refuses a headers timeout longer than the request
 * timeout, and the upload quota and the cap on upload bytes in flight must each hold the largest upload.
 */
function checkLimits(e: z.infer<typeof schema>, context: z.RefinementCtx): void {
  const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
  if (e.EHR_HEADERS_TIMEOUT_SECONDS > requestTimeoutSeconds(e)) {
    issue("EHR_HEADERS_TIMEOUT_SECONDS", "must not be longer than EHR_REQUEST_TIMEOUT_SECONDS");
  }
  const holdsLargestUpload = (name: "EHR_UPLOAD_QUOTA_BYTES" | "EHR_MAX_UPLOAD_BYTES_IN_FLIGHT", otherwise: string) => {
    const limit = e[name];
    if (limit !== undefined && limit < e.EHR_MAX_UPLOAD_BYTES) {
      issue(name, `must be at least EHR_MAX_UPLOAD_BYTES (or ${otherwise})`);
    }
  };
  holdsLargestUpload("EHR_UPLOAD_QUOTA_BYTES", "one largest upload could never be stored");
  holdsLargestUpload("EHR_MAX_UPLOAD_BYTES_IN_FLIGHT", "the largest upload could never be received");
}

/** The custodian key-encryption key: one way, well-formed, kept apart from the data it protects. */
function checkCustodianKek(e: z.infer<typeof schema>, context: z.RefinementCtx): void {
  const issue = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
  if (e.EHR_CUSTODIAN_KEK && e.EHR_CUSTODIAN_KEK_FILE) {
    issue("EHR_CUSTODIAN_KEK", "set EHR_CUSTODIAN_KEK or EHR_CUSTODIAN_KEK_FILE, not both");
  }
  if (e.EHR_CUSTODIAN_KEK) {
    try {
      parseKek(e.EHR_CUSTODIAN_KEK, "EHR_CUSTODIAN_KEK");
    } catch {
      issue("EHR_CUSTODIAN_KEK", "must be a 32-byte key: 64 hex digits or its base64");
    }
  }
  if (e.EHR_CUSTODIAN_KEK_FILE) {
    const relative = path.relative(path.resolve(e.EHR_DATA_DIR), path.resolve(e.EHR_CUSTODIAN_KEK_FILE));
    if (!relative.startsWith("..") && !path.isAbsolute(relative)) {
      issue("EHR_CUSTODIAN_KEK_FILE", "must be outside the data folder (a copy of the folder must not carry its key)");
    }
  }
}

/** `false`, a hop count, or the proxies' addresses (Express's `trust proxy` values). */
function trustProxy(text: string): boolean | number | string {
  if (text === "false") return false;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** `IPFS_API_URL` without its user info, and the Authorization header the credentials make. */
function ipfsApiAccess(e: z.infer<typeof schema>): Pick<ApiConfig, "ipfsApiUrl" | "ipfsApiAuthorization"> {
  if (!e.IPFS_API_URL) return {};
  const url = new URL(e.IPFS_API_URL);
  const user = url.username ? decodeURIComponent(url.username) : e.IPFS_API_USER;
  const password = url.username ? decodeURIComponent(url.password) : e.IPFS_API_PASSWORD;
  url.username = "";
  url.password = "";
  const header = e.IPFS_API_TOKEN
    ? `Bearer ${e.IPFS_API_TOKEN}`
    : user
      ? `Basic ${Buffer.from(`${user}:${password ?? ""}`).toString("base64")}`
      : undefined;
  return { ipfsApiUrl: url.href.replace(/\/$/, ""), ipfsApiAuthorization: header ? () => header : undefined };
}

/**
 * Parses and checks the configuration; a bad value stops the service at start with one line per
 * problem (the variable and what is wrong), never later on a request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = schema
    .superRefine(checkSwarm)
    .superRefine(checkIpfsApiAuth)
    .superRefine(checkCustodianKek)
    .superRefine(checkLimits)
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new FormatError("The service configuration is not valid.", { details: lines.join("; ") });
  }
  const e = parsed.data;
  const webOrigin = new URL(e.EHR_WEB_ORIGIN).origin;
  const kek = e.EHR_CUSTODIAN_KEK ? parseKek(e.EHR_CUSTODIAN_KEK, "EHR_CUSTODIAN_KEK") : undefined;
  return {
    port: e.EHR_API_PORT,
    host: e.EHR_API_HOST,
    dataDir: path.resolve(e.EHR_DATA_DIR),
    rpcUrl: e.EHR_RPC_URL,
    coreAddress: e.EHR_CORE_ADDRESS as `0x${string}` | undefined,
    webOrigin,
    siweDomain: e.EHR_SIWE_DOMAIN ?? new URL(webOrigin).host,
    maxUploadBytes: e.EHR_MAX_UPLOAD_BYTES,
    maxSummaryBytes: e.EHR_MAX_SUMMARY_BYTES,
    maxSummaryTextBytes: e.EHR_MAX_SUMMARY_TEXT_BYTES,
    summaryWorkers: e.EHR_SUMMARY_WORKERS,
    summaryTimeoutSeconds: e.EHR_SUMMARY_TIMEOUT_SECONDS,
    summaryQueue: e.EHR_SUMMARY_QUEUE,
    uploadQuotaBytes: e.EHR_UPLOAD_QUOTA_BYTES ?? 4 * e.EHR_MAX_UPLOAD_BYTES,
    keyBackupQuota: e.EHR_KEY_BACKUP_QUOTA,
    maxUploadsInFlightPerAddress: e.EHR_MAX_UPLOADS_IN_FLIGHT,
    maxUploadBytesInFlight: e.EHR_MAX_UPLOAD_BYTES_IN_FLIGHT ?? 8 * e.EHR_MAX_UPLOAD_BYTES,
    unreferencedGraceSeconds: e.EHR_UNREFERENCED_GRACE_SECONDS,
    sweepIntervalSeconds: e.EHR_SWEEP_INTERVAL_SECONDS,
    ...ipfsApiAccess(e),
    swarm: e.EHR_SWARM_LISTEN?.length
      ? {
          listen: e.EHR_SWARM_LISTEN,
          peers: e.EHR_SWARM_PEERS ?? [],
          key: e.EHR_SWARM_KEY ? parseSwarmKey(e.EHR_SWARM_KEY) : undefined,
          keyFile: e.EHR_SWARM_KEY_FILE ? path.resolve(e.EHR_SWARM_KEY_FILE) : undefined,
        }
      : undefined,
    summarizerModelDir: e.SUMMARIZER_MODEL_DIR,
    rateLimitPerMinute: e.EHR_RATE_LIMIT_PER_MINUTE,
    ipRateLimitPerMinute: e.EHR_IP_RATE_LIMIT_PER_MINUTE,
    signInRateLimitPerMinute: e.EHR_SIGNIN_RATE_LIMIT_PER_MINUTE,
    trustProxy: trustProxy(e.EHR_TRUST_PROXY),
    headersTimeoutSeconds: e.EHR_HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: requestTimeoutSeconds(e),
    keepAliveTimeoutSeconds: e.EHR_KEEP_ALIVE_TIMEOUT_SECONDS,
    maxConnectionsPerIp: e.EHR_MAX_CONNECTIONS_PER_IP,
    maxSessionSeconds: e.EHR_MAX_SESSION_SECONDS,
    custodianKek: kek ? () => kek : undefined,
    custodianKekFile: e.EHR_CUSTODIAN_KEK_FILE ? path.resolve(e.EHR_CUSTODIAN_KEK_FILE) : undefined,
    logLevel: e.EHR_LOG_LEVEL,
  };
}

/** Where the service keeps its own files under the data folder. */
export function apiDataDir(config: Pick<ApiConfig, "dataDir">): string {
  return path.join(config.dataDir, "api");
}
