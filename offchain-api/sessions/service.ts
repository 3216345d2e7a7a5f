import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { StatementSync } from "node:sqlite";
import { getAddress, isAddress, isErc6492Signature, verifyMessage, type PublicClient } from "viem";
import { parseSiweMessage } from "viem/siwe";
import type { Address, Hex } from "viem";
import type { SessionInfo, SignInAnswer, SignInBody } from "../../lib/api/wire/sessions";
import { roleOf } from "../../lib/chain/ehr";
import { ChainError } from "../../lib/errors";
import { unauthorized } from "../http/errors";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";
import type { StateDatabase } from "../state/database";

export interface SessionServiceOptions {
  /** HMAC key for session tokens (32 random bytes kept in the data folder). Never logged. */
  secret: Uint8Array;
  /** The domain a SIWE message must name (`EHR_SIWE_DOMAIN`). */
  domain: string;
  /** The origin the SIWE message's URI must have (the web dApp's, `EHR_WEB_ORIGIN`). */
  origin: string;
  chainId: number;
  /** Verifies signatures (EOAs by recovery, smart accounts by ERC-1271/6492 on the chain). */
  publicClient: PublicClient;
  /** Longest session, in seconds; a message asking for more gets this much. */
  maxSessionSeconds: number;
  /** How long a nonce can be used. @default 300000 (5 minutes) */
  nonceTtlMs?: number;
  /** How far a message's issuedAt may be ahead of this clock. @default 300000 (5 minutes) */
  clockSkewMs?: number;
  /** Where revoked sessions are kept (table `revoked_sessions`), so a logout survives a restart. */
  state: StateDatabase;
  /** @default Date.now */
  now?: () => number;
}

export interface Session {
  /** Checksummed address the SIWE message was signed by. */
  address: Address;
  /** Seconds since the epoch. */
  expiresAt: number;
  id: string;
}

const TOKEN_VERSION = "v1";
/** Verified tokens kept in memory (see SessionService.verified): about 3 MB at most. */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * Sign-In with Ethereum (EIP-4361, parsed by viem/siwe) and the sessions it opens. A nonce carries
 * its own expiry and an HMAC under the session key (`<expiry><random><mac>`, hex), so issuing one
 * stores nothing: no number of unused nonces can crowd out anyone's sign-in. A nonce is used once:
 * any verify attempt naming a valid one records it in the state database until it expires,
 * whatever the attempt is refused for. A session is a token `v1.<payload>.<hmac>` bound to the
 * checksummed address; it survives restarts of this service (the key is on disk) and works across
 * replicas that share the key. Logout records the session in the state database until it would have
 * expired, so it survives a restart too (replicas sharing one database file share it). Every refusal
 * is a 401 saying why in one sentence.
 */
export class SessionService {
  private readonly now: () => number;
  private readonly state: StateDatabase;
  private lastPrune = 0;
  private lastNoncePrune = 0;
  private isRevoked: StatementSync | undefined;
  /**
   * Tokens this process has verified (MAC right, not signed out then), with their sessions, so the
   * requests after the first skip the HMAC, the parse and the revocation lookup (a tenth of a 1 KB
   * download's time). Expiry is still checked on every use; `revoke` drops the session's tokens, and
   * only this process writes its state database. The oldest go first beyond MAX_VERIFIED_TOKENS.
   */
  private readonly verified = new Map<string, Readonly<Session>>();

  constructor(private readonly options: SessionServiceOptions) {
    this.now = options.now ?? Date.now;
    this.state = options.state;
    this.state.migrate([
      {
        id: "sessions/1-revoked",
        up(db) {
          db.exec(
            "CREATE TABLE revoked_sessions (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;" +
              "CREATE INDEX revoked_sessions_expiry ON revoked_sessions (expires_at);",
          );
        },
      },
      {
        id: "sessions/2-used-nonces",
        up(db) {
          db.exec(
            "CREATE TABLE used_nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;" +
              "CREATE INDEX used_nonces_expiry ON used_nonces (expires_at);",
          );
        },
      },
    ]);
  }

  /** A fresh single-use nonce: stateless until it is used (see the class comment). */
  issueNonce(): { nonce: string; expiresAt: string } {
    const expiresAt = this.now() + (this.options.nonceTtlMs ?? 300_000);
    const body = `${expiresAt.toString(16).padStart(12, "0")}${randomBytes(12).toString("hex")}`;
    return { nonce: `${body}${this.nonceMac(body)}`, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Checks a signed SIWE message and opens a session for its address. */
  async signIn(message: string, signature: Hex): Promise<{ token: string; session: Session }> {
    const { domain, origin, chainId } = this.options;
    const now = this.now();
    let fields: ReturnType<typeof parseSiweMessage> | undefined;
    try {
      fields = parseSiweMessage(message);
    } catch {
      /* refused below */
    }
    // The nonce is used up before anything else is checked, so no refusal leaves it usable (an
    // attacker cannot probe the checks with one nonce). A message too broken to parse still names it.
    const nonceValid = this.useNonce(fields?.nonce ?? /^Nonce: (\S+)$/m.exec(message)?.[1]);
    if (!fields) throw unauthorized("The sign-in message is not a valid Sign-In with Ethereum message.");
    const { address, nonce, uri, version, issuedAt, expirationTime, notBefore } = fields;
    if (!address || !nonce || !uri || version !== "1" || !fields.domain || fields.chainId === undefined) {
      throw unauthorized("The sign-in message is not a valid Sign-In with Ethereum message.");
    }
    // EIP-4361 wants the EIP-55 form: a wrong checksum is a mistyped address, and a lower-case one
    // would make a session whose address the chain reads refuse.
    if (!isAddress(address, { strict: false }) || getAddress(address) !== address) {
      throw unauthorized("The sign-in message's address is not in its checksummed form (EIP-55).");
    }
    if (fields.domain !== domain) throw unauthorized("The sign-in message is for another website.");
    let uriOrigin = "";
    try {
      uriOrigin = new URL(uri).origin;
    } catch {
      /* refused below */
    }
    if (uriOrigin !== origin) throw unauthorized("The sign-in message names another web address.");
    if (fields.chainId !== chainId) throw unauthorized("The sign-in message is for another chain.");
    // EIP-4361: Issued At is required, and each time an RFC 3339 date-time. viem's parser gives an
    // Invalid Date for a malformed one, which every comparison below would let through (NaN).
    if (!issuedAt) throw unauthorized("The sign-in message must say when it was issued.");
    if ([issuedAt, expirationTime, notBefore].some((date) => date !== undefined && Number.isNaN(date.getTime()))) {
      throw unauthorized("The sign-in message has a time that is not a valid date and time.");
    }
    if (!expirationTime) throw unauthorized("The sign-in message must say when it expires.");
    if (expirationTime.getTime() <= now) throw unauthorized("The sign-in message has expired: sign in again.");
    if (notBefore && notBefore.getTime() > now) throw unauthorized("The sign-in message is not valid yet.");
    if (issuedAt.getTime() > now + (this.options.clockSkewMs ?? 300_000)) {
      throw unauthorized("The sign-in message is dated in the future: check your clock.");
    }
    if (!nonceValid) {
      throw unauthorized("The sign-in nonce is unknown, already used or expired: sign in again.");
    }
    if (!(await this.signedBy(address, message, signature))) {
      throw unauthorized("The signature does not match the account in the sign-in message.");
    }

    const expiresAt = Math.floor(
      Math.min(expirationTime.getTime(), now + this.options.maxSessionSeconds * 1000) / 1000,
    );
    const session: Session = { address, expiresAt, id: randomBytes(16).toString("hex") };
    return { token: this.sign(session), session };
  }

  /** The session a token stands for, or a 401. */
  verify(token: string | undefined): Readonly<Session> {
    if (!token) throw unauthorized("Sign in first: this request needs a session.");
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt * 1000 > this.now()) return known;
      this.verified.delete(token);
    }
    const [version, payload, mac, extra] = token.split(".");
    if (version !== TOKEN_VERSION || !payload || !mac || extra !== undefined) {
      throw unauthorized("The session token is not valid: sign in again.");
    }
    // Compared as text: base64url decoding ignores stray trailing bits, so comparing decoded bytes
    // would accept more than one spelling of the same MAC.
    const expected = Buffer.from(this.mac(`${version}.${payload}`).toString("base64url"));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized("The session token is not valid: sign in again.");
    }
    const session = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Session;
    if (session.expiresAt * 1000 <= this.now()) throw unauthorized("Your session has expired: sign in again.");
    // Tokens made before addresses were checked for their checksum may hold a lower-case one.
    session.address = getAddress(session.address);
    // Prepared once: verify runs on every signed-in request.
    this.isRevoked ??= this.state.db.prepare("SELECT 1 FROM revoked_sessions WHERE id = ?");
    const revoked = this.isRevoked.get(session.id);
    if (revoked) throw unauthorized("You have signed out: sign in again.");
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, Object.freeze(session));
    return session;
  }

  /** Ends a session: until its expiry this service refuses the token, across restarts. */
  revoke(session: Session): void {
    const now = this.now();
    for (const [token, known] of this.verified) if (known.id === session.id) this.verified.delete(token);
    this.state.transaction((db) => {
      db.prepare("INSERT OR IGNORE INTO revoked_sessions (id, expires_at) VALUES (?, ?)").run(
        session.id,
        session.expiresAt,
      );
      // An expired token is refused anyway: its row is no longer needed (pruned at most once a minute).
      if (now - this.lastPrune >= 60_000) {
        this.lastPrune = now;
        db.prepare("DELETE FROM revoked_sessions WHERE expires_at <= ?").run(Math.floor(now / 1000));
      }
    });
  }

  /**
   * Whether `address` signed `message`: an ordinary account by local recovery (no chain call, so
   * sign-in does not wait on the chain); a smart account (code on the chain, or a counterfactual
   * ERC-6492 signature) through the chain (ERC-1271/6492). A chain that cannot be reached while
   * asking is a ChainError (503), not a wrong signature.
   */
  private async signedBy(address: Address, message: string, signature: Hex): Promise<boolean> {
    if (await verifyMessage({ address, message, signature }).catch(() => false)) return true;
    const { publicClient } = this.options;
    if (!isErc6492Signature(signature)) {
      let code: Hex | undefined;
      try {
        code = await publicClient.getCode({ address });
      } catch (error) {
        throw new ChainError("The chain could not check the signature: try again shortly.", { cause: error });
      }
      if (!code || code === "0x") return false;
    }
    // viem reports an unreachable chain here as an invalid signature.
    return publicClient.verifyMessage({ address, message, signature }).catch(() => false);
  }

  /** Whether `nonce` is one of ours, unexpired and not used before; records it as used if so. */
  private useNonce(nonce: string | undefined): boolean {
    if (nonce === undefined || !/^[0-9a-f]{36}[0-9a-f]{32}$/.test(nonce)) return false;
    const body = nonce.slice(0, 36);
    const expected = Buffer.from(this.nonceMac(body), "hex");
    if (!timingSafeEqual(expected, Buffer.from(nonce.slice(36), "hex"))) return false;
    const expiresAt = parseInt(body.slice(0, 12), 16);
    const now = this.now();
    if (expiresAt <= now) return false;
    this.pruneUsedNonces(now);
    // INSERT OR IGNORE is the single use: a second attempt with the same nonce changes no row.
    const inserted = this.state.db
      .prepare("INSERT OR IGNORE INTO used_nonces (nonce, expires_at) VALUES (?, ?)")
      .run(nonce, expiresAt);
    return Number(inserted.changes) === 1;
  }

  /** 128 bits of HMAC over a nonce's expiry and random part, as hex. */
  private nonceMac(body: string): string {
    return this.mac(`nonce.${body}`).subarray(0, 16).toString("hex");
  }

  /** Forgets used nonces past their expiry (they could not be used again anyway), at most once a minute. */
  private pruneUsedNonces(now: number): void {
    if (now - this.lastNoncePrune < 60_000) return;
    this.lastNoncePrune = now;
    this.state.db.prepare("DELETE FROM used_nonces WHERE expires_at <= ?").run(now);
  }

  private sign(session: Session): string {
    const payload = Buffer.from(JSON.stringify(session), "utf8").toString("base64url");
    return `${TOKEN_VERSION}.${payload}.${this.mac(`${TOKEN_VERSION}.${payload}`).toString("base64url")}`;
  }

  private mac(text: string): Buffer {
    return createHmac("sha256", this.options.secret).update(text).digest();
  }
}

/** `POST /v1/auth/session`: opens a session for a signed SIWE message; the answer carries the token. */
export async function signIn(
  services: Pick<ApiServices, "sessions" | "logger">,
  caller: Pick<Caller, "requestId">,
  { message, signature }: SignInBody,
): Promise<SignInAnswer> {
  const { token, session } = await services.sessions.signIn(message, signature);
  services.logger.info({ requestId: caller.requestId, address: session.address }, "signed in");
  return { token, address: session.address, expiresAt: isoTime(session.expiresAt) };
}

/** `GET /v1/auth/session`: the session's address and expiry, and its role read from the chain now. */
export async function sessionInfo(
  services: Pick<ApiServices, "publicClient" | "core">,
  { session }: Pick<Caller, "session">,
): Promise<SessionInfo> {
  const role = await roleOf(services.publicClient, services.core, session.address);
  return { address: session.address, role, expiresAt: isoTime(session.expiresAt) };
}

/** Seconds since the epoch as ISO 8601. */
function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
