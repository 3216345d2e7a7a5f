/** `/v1/keys` (offchain-api/README.md, "Keys"): wrapped data keys, stored and released under the chain's rules. */
import { z } from "zod";
import { WRAPPED_KEY_BYTES, WRAPPED_KEY_PREFIX, wrappedKeyShapeError } from "../../crypto/keyWrap";
import type { KeyRequest, WrappedKeyEntry } from "../../storage/types";
import { addressField, hash32Field, recordIdField } from "../wireFields";

/** The most entries `POST /v1/keys` takes at once. */
export const MAX_KEYS_PER_REQUEST = 64;

const partField = z.enum(["report", "summary"]);

/** One WrappedKeyEntry (lib/storage/types.ts). */
export const wrappedKeyEntrySchema = z.object({
  chainId: z.number().int().positive(),
  contract: addressField,
  patient: addressField,
  recordId: recordIdField,
  part: partField,
  reader: addressField,
  envelopeHash: hash32Field,
  // Junk stored here would be released to its reader at break-glass and block the custodian's re-wrap.
  wrapped: z
    .string()
    .min(1)
    .max(WRAPPED_KEY_PREFIX.length + 2 * WRAPPED_KEY_BYTES.max)
    .refine((wrapped) => wrappedKeyShapeError(wrapped) === undefined, "must be a wrapped key"),
}) satisfies z.ZodType<WrappedKeyEntry>;

/** `POST /v1/keys`: all of a batch or none. */
export const storeKeysBodySchema = z.object({
  entries: z.array(wrappedKeyEntrySchema).min(1).max(MAX_KEYS_PER_REQUEST),
});
export type StoreKeysBody = z.infer<typeof storeKeysBodySchema>;

/** `POST /v1/keys` answer (201). */
export const keysStoredSchema = z.object({ stored: z.number().int().min(1) });
export type KeysStored = z.infer<typeof keysStoredSchema>;

/** `POST /v1/keys/release`: the reader is the session's address. */
export const releaseKeyBodySchema = z.object({
  patient: addressField,
  recordIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  recordId: recordIdField,
  part: partField,
  accessTx: hash32Field.optional(),
}) satisfies z.ZodType<Omit<KeyRequest, "reader">>;
export type ReleaseKeyBody = z.infer<typeof releaseKeyBodySchema>;

/** `POST /v1/keys/release` answer. */
export const releasedKeySchema = z.object({ wrapped: z.string().min(1) });
export type ReleasedKey = z.infer<typeof releasedKeySchema>;

/** `GET /v1/keys/held?reader=0x…`: the session is the patient. */
export const heldKeysQuerySchema = z.object({ reader: addressField });
export type HeldKeysQuery = z.infer<typeof heldKeysQuerySchema>;

/** `GET /v1/keys/held` answer: envelope hashes of the patient's record parts the reader holds keys of. */
export const heldKeysSchema = z.object({ envelopeHashes: z.array(hash32Field) });
export type HeldKeys = z.infer<typeof heldKeysSchema>;
