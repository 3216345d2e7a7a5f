import { getAddress, type Address } from "viem";
import type { IdentityCardList, ShareIdentityCardBody, SharedIdentityCard } from "../../lib/api/wire/identityCards";
import { MAX_CARD_CIPHERTEXT_CHARS } from "../../lib/api/wire/identityCards";
import { encryptionKeyOf, isActiveDoctor } from "../../lib/chain/ehr";
import { AccessDeniedError, FormatError, NotFoundError } from "../../lib/errors";
import { conversationId } from "../../lib/messages/seal";
import { sameAddress } from "../../lib/records/context";
import { isOurs } from "../blobs/access";
import { tooLarge, unprocessable } from "../http/errors";
import type { Caller } from "../http/validate";
import { messagingRefusal } from "../messages/relationship";
import type { ApiServices } from "../services";

/**
 * Stores the caller's name card for a doctor. Only the patient shares her own card, only with a
 * doctor a current grant or an open appointment links her to (as for messages, read from the chain),
 * only when both have registered keys. The service keeps ciphertext and the two addresses.
 */
export async function shareIdentityCard(
  services: ApiServices,
  caller: Caller,
  { card, appointmentStart }: ShareIdentityCardBody,
): Promise<SharedIdentityCard> {
  if (card.ciphertext.length > MAX_CARD_CIPHERTEXT_CHARS)
    throw tooLarge("This name card is larger than a name card can be.");
  if (!isOurs(services, card)) throw new FormatError("This name card is for another chain or system.");
  if (sameAddress(card.patient, card.doctor))
    throw new FormatError("A name card is shared with a doctor, not oneself.");
  if (!sameAddress(card.sender, card.patient)) throw new FormatError("A name card is sent by its patient.");
  if (
    card.threadId !== conversationId({ chainId: services.chainId, contract: services.core }, card.patient, card.doctor)
  ) {
    throw new FormatError("The name card's pair id does not match its patient and doctor.");
  }
  if (!sameAddress(caller.me, card.patient)) throw new AccessDeniedError("You can share only your own name card.");
  const patient = getAddress(card.patient);
  const doctor = getAddress(card.doctor);
  const reason = await messagingRefusal(services, patient, doctor, appointmentStart);
  if (reason)
    throw new AccessDeniedError(reason.replace("no new messages can be sent", "your name card cannot be shared"));
  if (!(await encryptionKeyOf(services.publicClient, services.core, doctor))) {
    throw unprocessable("This doctor has no registered encryption key yet.");
  }
  const stored = services.identityCards.put({ ...card, patient, doctor, sender: patient });
  // Not who shared with whom: the request's id is enough to follow it.
  services.logger.info({ requestId: caller.requestId }, "name card stored");
  return { patient, doctor, sharedAt: stored.sentAt };
}

/**
 * The cards sealed to the caller while an active doctor (a suspension ends a doctor's access to
 * patients' names as to everything else; reinstated, they are there again) and those the caller
 * shared (as a patient).
 */
export async function identityCards(services: ApiServices, caller: Caller): Promise<IdentityCardList> {
  const active = await isActiveDoctor(services.publicClient, services.core, caller.me);
  return {
    received: active ? services.identityCards.receivedBy(caller.me) : [],
    shared: services.identityCards.sharedBy(caller.me),
  };
}

/**
 * Withdraws the caller's card from `doctor`: the doctor's dApp no longer gets it (what it already
 * showed cannot be taken back). NotFoundError when there was none.
 */
export function withdrawIdentityCard(services: ApiServices, caller: Caller, doctor: Address): void {
  if (!services.identityCards.remove(caller.me, doctor))
    throw new NotFoundError("You have not shared a name card with this doctor.");
}
