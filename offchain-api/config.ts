import path from "node:path";
import { z } from "zod";
import { FormatError } from "../lib/errors";

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
  /** Largest summary input (text or PDF), in bytes (413 beyond). @default 10485760 (10 MiB) */
  maxSummaryBytes: number;
  /** A Kubo RPC API (or IPFS Cluster proxy) to store blocks in instead of the embedded Helia node. */
  ipfsApiUrl?: string;
  /** A local transformers.js seq2seq model folder for the optional narrative summary. */
  summarizerModelDir?: string;
  /** Requests per minute per signed-in address (per IP before sign-in). @default 600 */
  rateLimitPerMinute: number;
  /** Longest session a SIWE message may ask for, in seconds. @default 43200 (12 h) */
  maxSessionSeconds: number;
  /** pino level. @default "info" */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

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
  IPFS_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  SUMMARIZER_MODEL_DIR: z.string().min(1).optional(),
  EHR_RATE_LIMIT_PER_MINUTE: integer(600, 1, 1_000_000),
  EHR_MAX_SESSION_SECONDS: integer(12 * 3600, 60, 7 * 24 * 3600),
  EHR_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/**
 * Parses and checks the configuration; a bad value stops the service at start with one line per
 * problem (the variable and what is wrong), never later on a request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new FormatError("The service configuration is not valid.", { details: lines.join("; ") });
  }
  const e = parsed.data;
  const webOrigin = new URL(e.EHR_WEB_ORIGIN).origin;
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
    ipfsApiUrl: e.IPFS_API_URL,
    summarizerModelDir: e.SUMMARIZER_MODEL_DIR,
    rateLimitPerMinute: e.EHR_RATE_LIMIT_PER_MINUTE,
    maxSessionSeconds: e.EHR_MAX_SESSION_SECONDS,
    logLevel: e.EHR_LOG_LEVEL,
  };
}

/** Where the service keeps its own files under the data folder. */
export function apiDataDir(config: Pick<ApiConfig, "dataDir">): string {
  return path.join(config.dataDir, "api");
}
