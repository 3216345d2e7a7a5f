/** `/v1/auth` (offchain-api/README.md, "Sessions"): Sign-In with Ethereum and the session it opens. */
import type { Hex } from "viem";
import { z } from "zod";
import type { AccountRole } from "../../chain/ehr";
import { addressField, isoTimeField } from "../wireFields";

/** `GET /v1/auth/nonce`: a single-use nonce for the EIP-4361 message. */
export const nonceSchema = z.object({ nonce: z.string().min(1).max(200), expiresAt: isoTimeField });
export type Nonce = z.infer<typeof nonceSchema>;

/** `POST /v1/auth/session` body. */
export const signInBodySchema = z.object({
  /** The EIP-4361 message exactly as signed. */
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .max(20_000)
    .refine((value): value is Hex => /^0x[0-9a-fA-F]+$/.test(value), "must be 0x-prefixed hex"),
});
export type SignInBody = z.infer<typeof signInBodySchema>;

/** The session as both sign-in and `GET /v1/auth/session` name it. */
const sessionFields = { address: addressField, expiresAt: isoTimeField };

/** `POST /v1/auth/session` answer (201): the bearer token to send from now on. */
export const signInAnswerSchema = z.object({ ...sessionFields, token: z.string().min(1) });
export type SignInAnswer = z.infer<typeof signInAnswerSchema>;
/** What `EhrApiClient.signIn` returns (the token stays in the client). */
export type SignedIn = Omit<SignInAnswer, "token">;

const ROLES = [
  "admin",
  "hospital",
  "doctor",
  "suspended",
  "patient",
  "pending-patient",
  "none",
] as const satisfies readonly AccountRole[];

/** `GET /v1/auth/session`: the role is read from the chain on each call. */
export const sessionInfoSchema = z.object({ ...sessionFields, role: z.enum(ROLES) });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
