/**
 * The client's side of the HTTP boundary, in Node and in Chromium: what it sends and how it maps
 * every answer to a library error. `fetch` is a function given to the client (the boundary), not a
 * stand-in for the service: the service itself is exercised in offchain-api/flows.test.ts.
 */
import { expect } from "chai";
import { createWalletClient, custom, recoverMessageAddress, type WalletClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { parseSiweMessage } from "viem/siwe";
import { fromUtf8, randomBytes, sha256, toHex, utf8 } from "../bytes";
import {
  AccessDeniedError,
  ChainError,
  FormatError,
  IntegrityError,
  NotFoundError,
  SessionError,
  StorageError,
  UserRejectedError,
  type EhrError,
} from "../errors";
import type { Address, Hex } from "viem";
import type { WrappedKeyEntry } from "../storage/types";
import { rejection } from "../testing/rejection";
import { localMinute } from "../localTime";
import { EhrApiClient, SESSION_HOURS } from "./client";
import type { HttpKeyVault } from "./httpKeyVault";
import { MAX_KEYS_PER_REQUEST } from "./wire/keys";
import { rawLeafCid, rawLeafDigest } from "./rawCid";
import { emptySummary } from "../summary/types";

const BASE = "http://127.0.0.1:8787";
/** `GET /v1/auth/nonce`'s answer. */
const NONCE = { nonce: "abcdef12345678", expiresAt: "2030-01-01T00:00:00.000Z" };
const ORIGIN = "http://localhost:5173";

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** A fetch that records each request and answers with `answer(request)`. */
function recordingFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    let body: Uint8Array | undefined;
    if (typeof init.body === "string") body = utf8(init.body);
    else if (init.body instanceof Uint8Array) body = init.body;
    const request = { method: init.method ?? "GET", path: url.pathname + url.search, headers, body };
    sent.push(request);
    return answer(request);
  }) as typeof fetch;
  return { sent, fetchFn };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const refusal = (status: number, code: string, message: string) =>
  json(status, { error: { code, message, requestId: "req-1" } });

function wallet(): WalletClient {
  return createWalletClient({
    account: privateKeyToAccount(generatePrivateKey()),
    chain: foundry,
    transport: custom({ request: async () => Promise.reject(new Error("no chain in this test")) }),
  });
}

/** A client already holding a session for `address` (tests that are not about sign-in). */
function signedInClient(fetchFn: typeof fetch, address: Address = `0x${"a1".repeat(20)}`) {
  return new EhrApiClient({ baseUrl: BASE, fetch: fetchFn, session: { token: "v1.t.m", address } });
}

describe("EhrApiClient", function () {
  describe("signIn", function () {
    it("signs an EIP-4361 message for the origin and the wallet's chain, then sends the token", async function () {
      const client_wallet = wallet();
      const address = client_wallet.account!.address;
      let signedMessage = "";
      const { sent, fetchFn } = recordingFetch(async (req) => {
        if (req.path === "/v1/auth/nonce") return json(200, NONCE);
        if (req.path === "/v1/auth/session" && req.method === "POST") {
          const { message, signature } = JSON.parse(fromUtf8(req.body!));
          expect(await recoverMessageAddress({ message, signature })).to.equal(address);
          signedMessage = message;
          return json(201, { token: "v1.abc.def", address, expiresAt: "2030-01-01T00:00:00.000Z" });
        }
        return json(200, { address, role: "patient", expiresAt: "2030-01-01T00:00:00.000Z" });
      });
      const client = new EhrApiClient({ baseUrl: BASE, fetch: fetchFn, origin: ORIGIN });
      const before = Date.now();

      expect(await client.signIn(client_wallet)).to.deep.equal({ address, expiresAt: "2030-01-01T00:00:00.000Z" });
      const fields = parseSiweMessage(signedMessage);
      expect(fields).to.include({
        address,
        chainId: foundry.id,
        domain: "localhost:5173",
        uri: ORIGIN,
        version: "1",
        nonce: "abcdef12345678",
      });
      expect(fields.statement).to.match(/^Sign in to the Patient EHR storage service\./);
      const lifetime = fields.expirationTime!.getTime() - fields.issuedAt!.getTime();
      expect(lifetime).to.equal(SESSION_HOURS * 3600_000);
      expect(fields.issuedAt!.getTime()).to.be.at.least(before - 1000);
      expect(sent[0].headers.authorization).to.equal(undefined);

      await client.session();
      expect(sent[2]).to.deep.include({ method: "GET", path: "/v1/auth/session" });
      expect(sent[2].headers.authorization).to.equal("Bearer v1.abc.def");
      expect(client.signedInAs).to.equal(address);
      expect(client.token).to.equal("v1.abc.def");
    });

    it("keeps no session when the user declines to sign", async function () {
      const declining = createWalletClient({
        account: `0x${"b2".repeat(20)}`,
        chain: foundry,
        transport: custom({
          request: async () => Promise.reject(Object.assign(new Error("User rejected."), { code: 4001 })),
        }),
      });
      const { sent, fetchFn } = recordingFetch(() => json(200, NONCE));
      const client = new EhrApiClient({ baseUrl: BASE, fetch: fetchFn, origin: ORIGIN });
      const error = await rejection(client.signIn(declining), UserRejectedError);
      expect(error.message).to.equal("You declined to sign in; nothing was changed.");
      expect(sent.map((r) => r.path)).to.deep.equal(["/v1/auth/nonce"]);
      expect(client.token).to.equal(undefined);
    });

    it("refuses a session the service opened for another account", async function () {
      const { fetchFn } = recordingFetch((req) =>
        req.path === "/v1/auth/nonce"
          ? json(200, NONCE)
          : json(201, { token: "v1.x.y", address: `0x${"c3".repeat(20)}`, expiresAt: "2030-01-01T00:00:00.000Z" }),
      );
      const client = new EhrApiClient({ baseUrl: BASE, fetch: fetchFn, origin: ORIGIN });
      await rejection(client.signIn(wallet()), SessionError);
      expect(client.token).to.equal(undefined);
    });

    it("passes on the service's refusal of the message as a SessionError", async function () {
      const { fetchFn } = recordingFetch((req) =>
        req.path === "/v1/auth/nonce"
          ? json(200, NONCE)
          : refusal(401, "unauthorized", "The sign-in message names another web address."),
      );
      const client = new EhrApiClient({ baseUrl: BASE, fetch: fetchFn, origin: "http://evil.example" });
      const error = await rejection(client.signIn(wallet()), SessionError);
      expect(error.shortMessage).to.equal("The sign-in message names another web address.");
      expect(client.token).to.equal(undefined);
    });

    it("takes the origin from the page by default, and refuses to sign in without one", async function () {
      let message = "";
      const { sent, fetchFn } = recordingFetch(async (req) => {
        if (req.path === "/v1/auth/nonce") return json(200, NONCE);
        message = JSON.parse(fromUtf8(req.body!)).message;
        return refusal(401, "unauthorized", "The sign-in message names another web address.");
      });
      const client = new EhrApiClient({ baseUrl: BASE, fetch: fetchFn });
      const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
      if (pageOrigin) {
        await rejection(client.signIn(wallet()), SessionError); // Chromium: the test page's origin
        expect(parseSiweMessage(message).uri).to.equal(pageOrigin);
      } else {
        const error = await rejection(client.signIn(wallet()), FormatError); // Node: no page
        expect(error.shortMessage).to.equal("The web address to sign in from is unknown: pass `origin`.");
        expect(sent).to.deep.equal([]);
      }
    });
  });

  describe("signOut", function () {
    it("ends the session on the service and stops sending the token", async function () {
      const { sent, fetchFn } = recordingFetch((req) =>
        req.method === "DELETE" ? new Response(null, { status: 204 }) : refusal(401, "unauthorized", "Sign in first."),
      );
      const client = signedInClient(fetchFn);
      await client.signOut();
      expect(sent[0]).to.deep.include({ method: "DELETE", path: "/v1/auth/session" });
      expect(sent[0].headers.authorization).to.equal("Bearer v1.t.m");
      expect(client.token).to.equal(undefined);
      expect(client.signedInAs).to.equal(undefined);
      await rejection(client.session(), SessionError);
      expect(sent[1].headers.authorization).to.equal(undefined);
    });

    it("forgets a session the service had already ended, but reports an unreachable service", async function () {
      const ended = signedInClient(recordingFetch(() => refusal(401, "unauthorized", "You have signed out.")).fetchFn);
      await ended.signOut();
      expect(ended.token).to.equal(undefined);

      const down = signedInClient(recordingFetch(() => Promise.reject(new TypeError("Failed to fetch"))).fetchFn);
      await rejection(down.signOut(), StorageError);
      expect(down.token).to.equal(undefined);
    });
  });

  describe("error mapping", function () {
    const cases: [number, string, new (...args: never[]) => EhrError][] = [
      [400, "bad_request", FormatError],
      [401, "unauthorized", SessionError],
      [403, "forbidden", AccessDeniedError],
      [404, "not_found", NotFoundError],
      [409, "conflict", FormatError],
      [413, "payload_too_large", FormatError],
      [415, "unsupported_media_type", FormatError],
      [422, "unprocessable", FormatError],
      [502, "corrupt_content", IntegrityError],
      [503, "storage_unavailable", StorageError],
      [503, "chain_unavailable", ChainError],
      [500, "internal", StorageError],
    ];
    for (const [status, code, type] of cases) {
      it(`maps ${status} ${code} to ${type.name} with the service's sentence`, async function () {
        const message = `The service says ${code}.`;
        const client = signedInClient(recordingFetch(() => refusal(status, code, message)).fetchFn);
        const error = await rejection(client.custodian(), type);
        expect((error as EhrError).shortMessage).to.equal(message);
        expect((error as EhrError).details).to.equal(`HTTP ${status}, ${code}, request req-1`);
      });
    }

    it("says when a grant ended in the reader's own time zone, from the refusal's ISO details", async function () {
      const message = "This doctor's access grant ended on 2026-12-03 04:10 UTC.";
      const client = signedInClient(
        recordingFetch(() =>
          json(403, {
            error: {
              code: "forbidden",
              message,
              requestId: "req-1",
              details: { grantEndedAt: "2026-12-03T04:10:00.000Z" },
            },
          }),
        ).fetchFn,
      );
      const error = await rejection(client.custodian(), AccessDeniedError);
      const local = localMinute(new Date("2026-12-03T04:10:00.000Z"));
      expect((error as EhrError).shortMessage).to.equal(`This doctor's access grant ended on ${local}.`);
      // No usable time: the service's own sentence.
      const plain = signedInClient(
        recordingFetch(() =>
          json(403, { error: { code: "forbidden", message, requestId: "req-1", details: { grantEndedAt: "soon" } } }),
        ).fetchFn,
      );
      expect((await rejection(plain.custodian(), AccessDeniedError)).shortMessage).to.equal(message);
    });

    it("says when to try again after a busy refusal (429 rate_limited/too_many_uploads, 503 busy/summarizer_busy), from Retry-After when readable", async function () {
      const busy = (status: number, code: string, message: string | undefined, retryAfter?: string) =>
        new Response(JSON.stringify({ error: { code, message, requestId: "req-1" } }), {
          status,
          headers: retryAfter === undefined ? {} : { "Retry-After": retryAfter },
        });
      const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
      const cases: [Response, string][] = [
        [
          busy(429, "rate_limited", "Too many requests in the last minute: wait a moment and try again.", "42"),
          "Too many requests in the last minute: try again in 42 seconds.",
        ],
        [
          busy(
            429,
            "too_many_uploads",
            "You are sending 2 files already: wait for one to finish, then try again.",
            "5",
          ),
          "You are sending 2 files already: try again in 5 seconds.",
        ],
        [
          busy(503, "busy", "The service is receiving too many files right now: try again in a moment.", "600"),
          "The service is receiving too many files right now: try again in about 10 minutes.",
        ],
        [
          busy(503, "summarizer_busy", "The summarizer is busy with other documents.", inTwoMinutes),
          "The summarizer is busy with other documents: try again in about 2 minutes.",
        ],
        [
          busy(503, "summarizer_busy", undefined, "soon"),
          "The summarizer is busy with other documents: try again in a moment.",
        ],
        [
          busy(429, "rate_limited", "", undefined),
          "The storage service has had too many requests from this app: try again in a moment.",
        ],
        [busy(429, "too_many_uploads", "Wait.", "1"), "Wait: try again in a second."],
      ];
      for (const [response, sentence] of cases) {
        const client = signedInClient(recordingFetch(() => response).fetchFn);
        const error = await rejection(client.custodian(), StorageError);
        expect(error.shortMessage).to.equal(sentence);
        expect(error.details).to.match(/^HTTP (429|503), /);
      }
      // Another 429 or 503 keeps the service's sentence as it is.
      const other = signedInClient(
        recordingFetch(() => busy(503, "storage_unavailable", "The store is down.", "30")).fetchFn,
      );
      expect((await rejection(other.custodian(), StorageError)).shortMessage).to.equal("The store is down.");
    });

    it("says the service could not be reached on a network failure", async function () {
      const cause = new TypeError("Failed to fetch");
      const client = signedInClient(recordingFetch(() => Promise.reject(cause)).fetchFn);
      const error = await rejection(client.custodian(), StorageError);
      expect(error.shortMessage).to.equal("The storage service could not be reached.");
      expect(error.cause).to.equal(cause);
    });

    it("falls back to a plain sentence when a 5xx is not the service's error shape", async function () {
      const client = signedInClient(
        recordingFetch(() => new Response("<html>Bad Gateway</html>", { status: 502 })).fetchFn,
      );
      const error = await rejection(client.custodian(), StorageError);
      expect(error.shortMessage).to.equal("The storage service could not be reached.");
      expect(error.message).to.not.include("html");
    });

    it("refuses a 2xx answer that is not JSON", async function () {
      const client = signedInClient(recordingFetch(() => new Response("not json", { status: 200 })).fetchFn);
      await rejection(client.custodian(), StorageError);
    });

    it("refuses a 2xx answer that is not of its wire schema, naming the fields but not their values", async function () {
      const malformed: [string, (client: EhrApiClient) => Promise<unknown>, unknown, string][] = [
        ["custodian", (c) => c.custodian(), { publicKey: "0x04", published: "yes" }, "publicKey, published"],
        [
          "session",
          (c) => c.session(),
          { address: "0xnot", role: "owner", expiresAt: "soon" },
          "address, expiresAt, role",
        ],
        ["refusals", (c) => c.refusals(`0x${"a1".repeat(20)}`), { refusals: [{ at: 1 }] }, "refusals.0.at"],
        ["summarize", (c) => c.summarize("x", "text/plain"), { summary: null, source: "text" }, "summary"],
        ["listConversations", (c) => c.listConversations(), { conversations: "none" }, "conversations"],
      ];
      for (const [name, call, answer, fields] of malformed) {
        const client = signedInClient(recordingFetch(() => json(200, answer)).fetchFn);
        const error = await rejection(call(client), StorageError);
        expect(error.shortMessage, name).to.equal("The storage service gave an answer this app does not understand.");
        expect(error.details, name).to.include(`unexpected ${fields.split(", ")[0]}`);
        expect(error.details, name).to.not.include("0xnot");
      }
    });

    it("refuses a base URL that is not a URL", function () {
      expect(() => new EhrApiClient({ baseUrl: "not a url" })).to.throw(FormatError);
    });
  });

  describe("blobStore", function () {
    it("uploads the bytes with their declared hash and returns the CID", async function () {
      const bytes = randomBytes(1024);
      const hash = toHex(await sha256(bytes));
      const cid = rawLeafCid(hash);
      const { sent, fetchFn } = recordingFetch(() => json(201, { cid, size: bytes.length }));
      expect(await signedInClient(fetchFn).blobStore().put(bytes, hash)).to.deep.equal({ cid });
      expect(sent[0]).to.deep.include({ method: "POST", path: "/v1/blobs" });
      expect(sent[0].headers).to.include({
        "content-type": "application/octet-stream",
        "x-content-sha256": hash,
        authorization: "Bearer v1.t.m",
      });
      expect(sent[0].body).to.deep.equal(bytes);
    });

    it("refuses an upload answer whose raw CID names another hash", async function () {
      const bytes = randomBytes(64);
      const other = rawLeafCid(toHex(await sha256(randomBytes(64))));
      const store = signedInClient(recordingFetch(() => json(201, { cid: other, size: 64 })).fetchFn).blobStore();
      await rejection(store.put(bytes, toHex(await sha256(bytes))), IntegrityError);
    });

    it("refuses a malformed declared hash before sending anything", async function () {
      const { sent, fetchFn } = recordingFetch(() => json(201, {}));
      await rejection(
        signedInClient(fetchFn)
          .blobStore()
          .put(utf8("x"), "0x1234" as Hex),
        FormatError,
      );
      expect(sent).to.deep.equal([]);
    });

    it("maps the service's hash-mismatch refusal to a FormatError", async function () {
      const store = signedInClient(
        recordingFetch(() =>
          refusal(400, "bad_request", "The file does not match its declared hash; nothing was stored."),
        ).fetchFn,
      ).blobStore();
      const error = await rejection(store.put(utf8("x"), toHex(await sha256(utf8("y")))), FormatError);
      expect(error.shortMessage).to.equal("The file does not match its declared hash; nothing was stored.");
    });

    it("downloads bytes that match their raw CID", async function () {
      const bytes = randomBytes(2048);
      const cid = rawLeafCid(toHex(await sha256(bytes)));
      const { sent, fetchFn } = recordingFetch(() => new Response(bytes as BufferSource, { status: 200 }));
      expect(await signedInClient(fetchFn).blobStore().get(cid)).to.deep.equal(bytes);
      expect(sent[0]).to.deep.include({ method: "GET", path: `/v1/blobs/${cid}` });
    });

    it("refuses downloaded bytes that do not match their raw CID", async function () {
      const bytes = randomBytes(2048);
      const cid = rawLeafCid(toHex(await sha256(bytes)));
      const altered = bytes.slice();
      altered[7] ^= 1;
      const store = signedInClient(
        recordingFetch(() => new Response(altered as BufferSource, { status: 200 })).fetchFn,
      ).blobStore();
      await rejection(store.get(cid), IntegrityError);
    });

    it("passes a UnixFS DAG's bytes on for the flow to check against the chain", async function () {
      const dagCid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
      expect(rawLeafDigest(dagCid)).to.equal(undefined);
      const bytes = randomBytes(16);
      const store = signedInClient(
        recordingFetch(() => new Response(bytes as BufferSource, { status: 200 })).fetchFn,
      ).blobStore();
      expect(await store.get(dagCid)).to.deep.equal(bytes);
    });

    it("never returns bytes from an answer other than 200", async function () {
      const cid = rawLeafCid(toHex(await sha256(new Uint8Array())));
      for (const status of [204, 206]) {
        const body = status === 204 ? null : new Uint8Array();
        const store = signedInClient(recordingFetch(() => new Response(body, { status })).fetchFn).blobStore();
        await rejection(store.get(cid), StorageError);
      }
      const missing = signedInClient(
        recordingFetch(() => refusal(404, "not_found", "The file was not found in storage.")).fetchFn,
      ).blobStore();
      expect((await rejection(missing.get(cid), StorageError)).shortMessage).to.equal(
        "The file was not found in storage.",
      );
    });

    it("refuses a CID that is not one before sending anything", async function () {
      const { sent, fetchFn } = recordingFetch(() => json(200, {}));
      await rejection(signedInClient(fetchFn).blobStore().get("../keys/release"), FormatError);
      expect(sent).to.deep.equal([]);
    });
  });

  describe("keyVault", function () {
    const entry = (i: number): WrappedKeyEntry => ({
      chainId: 31337,
      contract: `0x${"01".repeat(20)}`,
      patient: `0x${"a1".repeat(20)}`,
      recordId: `0x${i.toString(16).padStart(32, "0")}`,
      part: "report",
      reader: `0x${"a1".repeat(20)}`,
      envelopeHash: `0x${"02".repeat(32)}`,
      wrapped: "w",
    });

    it("stores entries in batches the service takes, in order", async function () {
      const { sent, fetchFn } = recordingFetch((req) =>
        json(201, { stored: JSON.parse(fromUtf8(req.body!)).entries.length }),
      );
      const entries = Array.from({ length: 2 * MAX_KEYS_PER_REQUEST + 2 }, (_, i) => entry(i));
      await signedInClient(fetchFn).keyVault().storeWrappedKeys(entries);
      const batches = sent.map((r) => JSON.parse(fromUtf8(r.body!)).entries as WrappedKeyEntry[]);
      expect(batches.map((b) => b.length)).to.deep.equal([64, 64, 2]);
      expect(batches.flat()).to.deep.equal(entries);
      expect(sent.every((r) => r.path === "/v1/keys" && r.headers["content-type"] === "application/json")).to.equal(
        true,
      );
    });

    it("sends nothing for no entries, and stops at the first refused batch", async function () {
      const none = recordingFetch(() => json(201, {}));
      await signedInClient(none.fetchFn).keyVault().storeWrappedKeys([]);
      expect(none.sent).to.deep.equal([]);

      const refused = recordingFetch(() => refusal(409, "conflict", "Only the patient can replace a stored key."));
      const entries = Array.from({ length: MAX_KEYS_PER_REQUEST + 1 }, (_, i) => entry(i));
      await rejection(signedInClient(refused.fetchFn).keyVault().storeWrappedKeys(entries), FormatError);
      expect(refused.sent).to.have.length(1);
    });

    it("asks for a key release for the session's reader, with the access transaction", async function () {
      const { sent, fetchFn } = recordingFetch(() => json(200, { wrapped: "wrapped-key" }));
      const reader = `0x${"a1".repeat(20)}` as Address;
      const request = {
        patient: `0x${"b2".repeat(20)}` as Address,
        recordIndex: 3,
        recordId: `0x${"03".repeat(16)}` as Hex,
        part: "summary" as const,
        reader,
        accessTx: `0x${"04".repeat(32)}` as Hex,
      };
      expect(await signedInClient(fetchFn, reader).keyVault().fetchWrappedKey(request)).to.equal("wrapped-key");
      const { reader: _reader, ...body } = request;
      expect(JSON.parse(fromUtf8(sent[0].body!))).to.deep.equal(body);
      expect(sent[0]).to.deep.include({ method: "POST", path: "/v1/keys/release" });
    });

    it("refuses a release for another reader than the signed-in one, before sending anything", async function () {
      const { sent, fetchFn } = recordingFetch(() => json(200, { wrapped: "w" }));
      const vault = signedInClient(fetchFn, `0x${"a1".repeat(20)}`).keyVault();
      const request = {
        patient: `0x${"b2".repeat(20)}` as Address,
        recordIndex: 0,
        recordId: `0x${"03".repeat(16)}` as Hex,
        part: "report" as const,
        reader: `0x${"c3".repeat(20)}` as Address,
      };
      await rejection(vault.fetchWrappedKey(request), SessionError);
      expect(sent).to.deep.equal([]);
    });

    it("asks which of the patient's record parts a reader holds keys of, only for the signed-in patient", async function () {
      const patient = `0x${"a1".repeat(20)}` as Address;
      const reader = `0x${"c3".repeat(20)}` as Address;
      const hashes = [`0x${"05".repeat(32)}`];
      const { sent, fetchFn } = recordingFetch(() => json(200, { envelopeHashes: hashes }));
      const vault = signedInClient(fetchFn, patient).keyVault() as HttpKeyVault;
      expect(await vault.heldEnvelopeHashes(patient, reader)).to.deep.equal(hashes);
      expect(sent[0]).to.deep.include({ method: "GET", path: `/v1/keys/held?reader=${reader}` });
      await rejection(vault.heldEnvelopeHashes(reader, reader), SessionError);
      expect(sent).to.have.length(1);
    });

    it("maps a refused release to AccessDeniedError, a missing key to NotFoundError, a malformed answer to StorageError", async function () {
      const request = {
        patient: `0x${"a1".repeat(20)}` as Address,
        recordIndex: 0,
        recordId: `0x${"03".repeat(16)}` as Hex,
        part: "report" as const,
        reader: `0x${"a1".repeat(20)}` as Address,
      };
      const denied = recordingFetch(() => refusal(403, "forbidden", "Your access to this record is not logged."));
      await rejection(signedInClient(denied.fetchFn).keyVault().fetchWrappedKey(request), AccessDeniedError);
      const missing = recordingFetch(() => refusal(404, "not_found", "No key is held for you for this record."));
      await rejection(signedInClient(missing.fetchFn).keyVault().fetchWrappedKey(request), NotFoundError);
      const malformed = recordingFetch(() => json(200, { wrapped: 42 }));
      const error = await rejection(
        signedInClient(malformed.fetchFn).keyVault().fetchWrappedKey(request),
        StorageError,
      );
      expect(error.details).to.equal("POST /v1/keys/release: unexpected wrapped");
    });
  });

  describe("summaries, custodian, refusals", function () {
    it("sends a note as text/plain and returns the summary", async function () {
      const answer = { summary: emptySummary(), narrative: null, narrativeStatus: "no-model" };
      const { sent, fetchFn } = recordingFetch(() => json(200, { ...answer, source: "text" }));
      const result = await signedInClient(fetchFn).summarize("ALLERGIES: penicillin.", "text/plain");
      expect(result).to.deep.equal({ ...answer, source: "text" });
      expect(sent[0]).to.deep.include({ method: "POST", path: "/v1/summaries" });
      expect(sent[0].headers["content-type"]).to.equal("text/plain");
      expect(fromUtf8(sent[0].body!)).to.equal("ALLERGIES: penicillin.");
    });

    it("asks for a page of refusals of one patient", async function () {
      const patient = `0x${"a1".repeat(20)}` as Address;
      const { sent, fetchFn } = recordingFetch(() => json(200, { refusals: [], total: 0 }));
      expect(await signedInClient(fetchFn).refusals(patient, { offset: 10, limit: 5 })).to.deep.equal({
        refusals: [],
        total: 0,
      });
      expect(sent[0].path).to.equal(`/v1/audit/refusals?patient=${patient}&offset=10&limit=5`);
    });
  });

  describe("rawLeafCid", function () {
    it("gives the bafkrei CID of a SHA-256 and reads it back; other CIDs name no digest", async function () {
      // IPFS's well-known CID of the empty raw block.
      const empty = toHex(await sha256(new Uint8Array()));
      expect(rawLeafCid(empty)).to.equal("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
      expect(rawLeafDigest(rawLeafCid(empty))).to.equal(empty);
      expect(rawLeafDigest("bafkrei")).to.equal(undefined);
      expect(rawLeafDigest("Qmabc")).to.equal(undefined);
      expect(rawLeafDigest("bafkrei!!")).to.equal(undefined);
    });
  });
});
