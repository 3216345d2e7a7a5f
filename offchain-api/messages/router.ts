import express, { Router } from "express";
import { getAddress } from "viem";
import { encryptionKeyOf, roleOf } from "../../lib/chain/ehr";
import type { Address, Hex } from "viem";
import { conversationId, recipientOf } from "../../lib/messages/seal";
import type { SealedMessage } from "../../lib/messages/types";
import { sameAddress } from "../../lib/records/context";
import type { ApiServices } from "../services";
import { badRequest, conflict, forbidden, notFound, tooLarge, unprocessable } from "../http/errors";
import { valid, validate } from "../http/validate";
import { requireSession, sessionOf } from "../sessions/middleware";
import { auditRefusal } from "../audit/refuse";
import { isOurs } from "../blobs/access";
import { messagingRefusal } from "./relationship";
import {
  MAX_CIPHERTEXT_CHARS,
  MAX_MESSAGE_BODY,
  pageQuery,
  sendMessageBody,
  threadParams,
  type PageQuery,
  type SendMessageBody,
} from "./schema";

/**
 * `/v1/messages` (README, "Messages"): POST / stores a sealed message from the session's account to
 * the other participant while a grant or an appointment links them (refusals 403 and audited);
 * GET /conversations lists the session's conversations and GET /conversations/:threadId one
 * conversation's messages, newest first, to its two participants only (the history stays readable
 * after the link ends). The service sees ciphertext and addresses only; bodies are never logged.
 */
export function messagesRouter(services: ApiServices): Router {
  const router = Router();
  router.use(requireSession(services));

  router.post("/", express.json({ limit: MAX_MESSAGE_BODY }), validate(sendMessageBody), async (req, res) => {
    const { message, appointmentStart } = valid<SendMessageBody>(res);
    const sealed = message as SealedMessage;
    const me = sessionOf(res).address;
    if (message.ciphertext.length > MAX_CIPHERTEXT_CHARS)
      throw tooLarge("This message is longer than the service accepts.");
    if (!isOurs(services, message)) throw badRequest("This message is for another chain or system.");
    if (sameAddress(message.patient, message.doctor)) throw badRequest("A conversation needs a patient and a doctor.");
    if (!sameAddress(message.sender, message.patient) && !sameAddress(message.sender, message.doctor)) {
      throw badRequest("The sender must be the patient or the doctor of the conversation.");
    }
    if (
      message.threadId !==
      conversationId({ chainId: services.chainId, contract: services.core }, sealed.patient, sealed.doctor)
    ) {
      throw badRequest("The conversation id does not match its patient and doctor.");
    }
    if (!sameAddress(message.sender, me)) throw forbidden("You can send messages only as yourself.");
    const patient = getAddress(message.patient);
    const doctor = getAddress(message.doctor);
    const reason = await messagingRefusal(services, patient, doctor, appointmentStart);
    if (reason) {
      // The patient's Activity lists refused attempts by doctors (and the patient's own); an address
      // with no doctor role could otherwise fill any patient's Activity for free.
      if (sameAddress(me, patient) || (await isDoctorAccount(services, me))) {
        await auditRefusal(services, req, { reader: me, patient, reason });
      }
      throw forbidden(reason);
    }
    if (!(await encryptionKeyOf(services.publicClient, services.core, recipientOf(sealed)))) {
      throw unprocessable("The recipient has no registered encryption key yet.");
    }
    if (services.messages.has(sealed.id)) throw conflict("A message with this id is already stored.");
    const stored = await services.messages.append({ ...sealed, patient, doctor, sender: getAddress(sealed.sender) });
    services.logger.info({ requestId: req.id, messageId: stored.id, sender: me }, "message stored");
    res.status(201).json({ id: stored.id, threadId: stored.threadId, sentAt: stored.sentAt });
  });

  router.get("/conversations", validate(pageQuery, "query"), (_req, res) => {
    const { cursor, limit } = valid<PageQuery>(res, "query");
    res
      .set("Cache-Control", "no-store")
      .json(services.messages.conversations(sessionOf(res).address, { cursor, limit }));
  });

  router.get(
    "/conversations/:threadId",
    validate(threadParams, "params"),
    validate(pageQuery, "query"),
    (_req, res) => {
      const threadId = valid<{ threadId: string }>(res, "params").threadId.toLowerCase() as Hex;
      const { cursor, limit } = valid<PageQuery>(res, "query");
      const me = sessionOf(res).address;
      const participants = services.messages.participants(threadId);
      if (!participants) throw notFound("There is no such conversation.");
      const { patient, doctor } = participants as { patient: Address; doctor: Address };
      if (!sameAddress(me, patient) && !sameAddress(me, doctor)) {
        throw forbidden("Only the patient and the doctor of a conversation can read it.");
      }
      res.set("Cache-Control", "no-store").json(services.messages.messages(threadId, { cursor, limit }));
    },
  );
  return router;
}

/** Whether `account` is an onboarded doctor (active or suspended) on the chain now. */
async function isDoctorAccount(services: ApiServices, account: Address): Promise<boolean> {
  const role = await roleOf(services.publicClient, services.core, account);
  return role === "doctor" || role === "suspended";
}
