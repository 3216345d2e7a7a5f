import { z } from "zod";
import { MAX_KEYS_PER_REQUEST } from "../../lib/api/httpKeyVault";
import { wrappedKeyShapeError } from "../../lib/crypto/keyWrap";
import { addressField, hash32Field, recordIdField } from "../../lib/api/wireFields";

const address = addressField;
const part = z.enum(["report", "summary"]);
const recordId = recordIdField;
const hash32 = hash32Field;

/** One WrappedKeyEntry (lib/storage/types.ts). */
export const wrappedKeyEntry = z.object({
  chainId: z.number().int().positive(),
  contract: address,
  patient: address,
  recordId,
  part,
  reader: address,
  envelopeHash: hash32,
  // Junk stored here would be released to its reader at break-glass and block the custodian's re-wrap.
  wrapped: z
    .string()
    .min(1)
    .max(4096)
    .refine((wrapped) => wrappedKeyShapeError(wrapped) === undefined, "must be a wrapped key"),
});

/** `POST /v1/keys`. */
export const storeKeysBody = z.object({ entries: z.array(wrappedKeyEntry).min(1).max(MAX_KEYS_PER_REQUEST) });

/** `POST /v1/keys/release`: the reader is the session's address. */
export const releaseKeyBody = z.object({
  patient: address,
  recordIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  recordId,
  part,
  accessTx: hash32.optional(),
});

/** `GET /v1/keys/held?reader=0x…`: the session is the patient. */
export const heldKeysQuery = z.object({ reader: address });
