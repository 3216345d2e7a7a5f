import { getAddress, type WalletClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import { FormatError, isUserRejection, SessionError, UserRejectedError, WalletRequestError } from "../errors";
import type { Address, Hex } from "viem";
import type { BlobStore, KeyVault } from "../storage/types";
import { HttpBlobStore } from "./httpBlobStore";
import { HttpKeyVault } from "./httpKeyVault";
import { ApiTransport } from "./transport";
import { refusalPageSchema, type RefusalPage } from "./wire/audit";
import { custodianInfoSchema, type CustodianInfo } from "./wire/custodian";
import {
  identityCardListSchema,
  sharedIdentityCardSchema,
  type IdentityCardList,
  type SharedIdentityCard,
} from "./wire/identityCards";
import {
  conversationPageSchema,
  messagePageSchema,
  sentMessageSchema,
  type ConversationPage,
  type MessagePage,
  type PageOptions,
  type SealedMessage,
  type SentMessage,
} from "./wire/messages";
import { readStateSchema, type ReadMarks, type ReadState } from "./wire/readState";
import { nonceSchema, sessionInfoSchema, signInAnswerSchema, type SessionInfo, type SignedIn } from "./wire/sessions";
import { summaryResultSchema, type SummaryContentType, type SummaryResult } from "./wire/summaries";

export interface EhrApiClientOptions {
  /** The storage service's base URL, e.g. "http://127.0.0.1:8787". */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The web app's origin, named by the sign-in message (its host is the SIWE domain, itself the
   * URI); the service accepts only its configured origin. @default globalThis.location?.origin
   */
  origin?: string;
  /** A token from an earlier sign-in (e.g. kept in sessionStorage), with its address. @default none */
  session?: { token: string; address: Address };
}

/** How long a sign-in asks to last (the service may cap it: EHR_MAX_SESSION_SECONDS). */
export const SESSION_HOURS = 12;
export const SIGN_IN_STATEMENT =
  "Sign in to the Patient EHR storage service. This only proves you hold this account: it sends no transaction and costs nothing.";

/**
 * The off-chain service's client (offchain-api/README.md), universal (browsers and Node): Sign-In
 * with Ethereum, then the service's blobs and keys as the BlobStore and KeyVault the record flows
 * take (`{storage: client.blobStore(), vault: client.keyVault()}`), summaries, the custodian and
 * the refusal log. Every failure is a library error (lib/errors.ts) with one plain sentence.
 */
export class EhrApiClient {
  private readonly transport: ApiTransport;
  private readonly origin?: string;
  private address?: Address;

  constructor(options: EhrApiClientOptions) {
    this.transport = new ApiTransport(options);
    this.origin = options.origin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
    if (options.session) {
      this.transport.token = options.session.token;
      this.address = options.session.address;
    }
  }

  /** The signed-in address, or undefined. */
  get signedInAs(): Address | undefined {
    return this.address;
  }

  /** The bearer token to keep for {@link EhrApiClientOptions.session}, or undefined. */
  get token(): string | undefined {
    return this.transport.token;
  }

  /**
   * Signs in with the wallet's account: a fresh nonce from the service, an EIP-4361 message for
   * this origin and the wallet's chain that expires in {@link SESSION_HOURS} hours, one
   * personal_sign (no transaction). Errors: UserRejectedError when the user declines,
   * WalletRequestError when the wallet fails, SessionError when the service refuses the message.
   */
  async signIn(walletClient: WalletClient): Promise<SignedIn> {
    if (!this.origin) throw new FormatError("The web address to sign in from is unknown: pass `origin`.");
    let origin: URL;
    try {
      origin = new URL(this.origin);
    } catch (error) {
      throw new FormatError("The web address to sign in from is not a valid URL.", { cause: error });
    }
    const account = walletClient.account ?? (await walletClient.getAddresses())[0];
    if (!account) throw new WalletRequestError("No wallet account is connected.");
    // EIP-4361 wants the checksummed form, and the service refuses any other (a wallet may hand back lower case).
    const address = getAddress(typeof account === "string" ? account : account.address);
    const chainId = walletClient.chain?.id ?? (await walletClient.getChainId());

    const { nonce } = await this.transport.json({ method: "GET", path: "/v1/auth/nonce" }, nonceSchema, 200);
    const issuedAt = new Date();
    const message = createSiweMessage({
      address,
      chainId,
      domain: origin.host,
      uri: origin.origin,
      version: "1",
      nonce,
      issuedAt,
      expirationTime: new Date(issuedAt.getTime() + SESSION_HOURS * 3600_000),
      statement: SIGN_IN_STATEMENT,
    });
    let signature: `0x${string}`;
    try {
      signature = await walletClient.signMessage({ account, message });
    } catch (error) {
      if (isUserRejection(error)) {
        throw new UserRejectedError("You declined to sign in; nothing was changed.", { cause: error });
      }
      throw new WalletRequestError("Your wallet could not sign the sign-in message. Please try again.", {
        cause: error,
        details: "personal_sign failed",
      });
    }
    const signed = await this.transport.json(
      { method: "POST", path: "/v1/auth/session", json: { message, signature } },
      signInAnswerSchema,
      201,
    );
    if (signed.address.toLowerCase() !== address.toLowerCase()) {
      throw new SessionError("The storage service opened a session for another account.", {
        details: "the session's address is not the signer's",
      });
    }
    this.transport.token = signed.token;
    this.address = signed.address;
    return { address: signed.address, expiresAt: signed.expiresAt };
  }

  /** Ends the session on the service and forgets it here (also when the service had ended it). */
  async signOut(): Promise<void> {
    try {
      if (this.transport.token) await this.transport.send({ method: "DELETE", path: "/v1/auth/session" }, 204);
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
    } finally {
      this.transport.token = undefined;
      this.address = undefined;
    }
  }

  /** The session's address, its role on the chain now, and its expiry; SessionError when there is none. */
  session(): Promise<SessionInfo> {
    return this.transport.json({ method: "GET", path: "/v1/auth/session" }, sessionInfoSchema, 200);
  }

  /** A clinical summary of a note, a PDF or a FHIR bundle (the service stores nothing). */
  summarize(content: Uint8Array | string, contentType: SummaryContentType): Promise<SummaryResult> {
    return this.transport.json(
      { method: "POST", path: "/v1/summaries", body: content, contentType },
      summaryResultSchema,
      200,
    );
  }

  /** The emergency custodian's public key and whether the chain has it. */
  custodian(): Promise<CustodianInfo> {
    return this.transport.json({ method: "GET", path: "/v1/custodian" }, custodianInfoSchema, 200);
  }

  /**
   * Refused key releases of `patient`'s records, newest first (the patient or an admin).
   * `offset` @default 0, `limit` @default 50.
   */
  refusals(patient: Address, page: { offset?: number; limit?: number } = {}): Promise<RefusalPage> {
    const query = new URLSearchParams({
      patient,
      offset: String(page.offset ?? 0),
      limit: String(page.limit ?? 50),
    });
    return this.transport.json({ method: "GET", path: `/v1/audit/refusals?${query}` }, refusalPageSchema, 200);
  }

  /**
   * Sends a message sealed with lib/messages `sealMessage` (the session must be its sender). The
   * service accepts it while the patient's grant to the doctor is current or, with
   * `appointmentStart` (unix seconds), while that appointment between them is booked, confirmed or
   * completed. AccessDeniedError (403) with the plain reason otherwise; FormatError for a malformed
   * or oversized message or a recipient without a registered key.
   */
  sendMessage(message: SealedMessage, options: { appointmentStart?: number } = {}): Promise<SentMessage> {
    const json =
      options.appointmentStart === undefined ? { message } : { message, appointmentStart: options.appointmentStart };
    return this.transport.json({ method: "POST", path: "/v1/messages", json }, sentMessageSchema, 201);
  }

  /** The session's conversations, latest message first; open each message with lib/messages `openMessage`. */
  listConversations(page: PageOptions = {}): Promise<ConversationPage> {
    return this.transport.json(
      { method: "GET", path: `/v1/messages/conversations${pageQuery(page)}` },
      conversationPageSchema,
      200,
    );
  }

  /** One conversation's sealed messages, newest first (its two participants only; read state is the caller's). */
  listMessages(threadId: Hex, page: PageOptions = {}): Promise<MessagePage> {
    return this.transport.json(
      { method: "GET", path: `/v1/messages/conversations/${encodeURIComponent(threadId)}${pageQuery(page)}` },
      messagePageSchema,
      200,
    );
  }

  /**
   * Shares the patient's sealed name card (lib/identity `sealIdentityCard`) with its doctor,
   * replacing an earlier one; allowed while a grant or, with `appointmentStart`, an open appointment
   * links them. AccessDeniedError (403) with the plain reason otherwise.
   */
  shareIdentityCard(card: SealedMessage, options: { appointmentStart?: number } = {}): Promise<SharedIdentityCard> {
    const json =
      options.appointmentStart === undefined ? { card } : { card, appointmentStart: options.appointmentStart };
    return this.transport.json({ method: "POST", path: "/v1/identity-cards", json }, sharedIdentityCardSchema, 200);
  }

  /** The name cards sealed to the session (as a doctor) and those it shared (as a patient); open with lib/identity. */
  identityCards(): Promise<IdentityCardList> {
    return this.transport.json({ method: "GET", path: "/v1/identity-cards" }, identityCardListSchema, 200);
  }

  /** Withdraws the card shared with `doctor`. NotFoundError when there was none. */
  async withdrawIdentityCard(doctor: Address): Promise<void> {
    await this.transport.send({ method: "DELETE", path: `/v1/identity-cards/${encodeURIComponent(doctor)}` }, 204);
  }

  /** The session's read state: the inbox's "last seen" marker and the conversations read. */
  readState(): Promise<ReadState> {
    return this.transport.json({ method: "GET", path: "/v1/read-state" }, readStateSchema, 200);
  }

  /**
   * Merges read marks into the session's read state (forward only: a mark older than the stored one
   * changes nothing) and answers the result. FormatError for marks beyond the service's bounds.
   */
  markRead(marks: ReadMarks): Promise<ReadState> {
    return this.transport.json({ method: "POST", path: "/v1/read-state", json: marks }, readStateSchema, 200);
  }

  /** The service's blobs as a BlobStore, over this client's session. */
  blobStore(): BlobStore {
    return new HttpBlobStore(this.transport);
  }

  /** The service's wrapped keys as a KeyVault, over this client's session. */
  keyVault(): KeyVault {
    return new HttpKeyVault(this.transport, () => this.address);
  }
}

/** `?cursor=&limit=` of the message listings. */
function pageQuery(page: PageOptions): string {
  const query = new URLSearchParams({ limit: String(page.limit ?? 50) });
  if (page.cursor !== undefined) query.set("cursor", page.cursor);
  return `?${query}`;
}
