import { getAddress, isAddress, type Address } from "viem";
// Relative, not `@lib`, so the unit test beside this file runs under plain mocha too.
import { FormatError } from "../../../../lib/errors";

/** The doctor's emergency page, as a hash route (web/src/routes.tsx). */
export const EMERGENCY_ACCESS_PATH = "/emergency-access";

/** What an emergency card's QR code says: whose record, on which chain. No health data. */
export interface CardLink {
  patient: Address;
  chainId: number;
}

/** The network this dApp runs on, to check a card against. */
export interface ExpectedChain {
  chainId: number;
  /** As the wallet shows it, e.g. "EHR local chain". */
  chainName: string;
}

/**
 * The link an emergency card encodes: `<base>#/emergency-access?patient=<checksummed>&chainId=<id>`.
 * `base` is the dApp's address without its hash (e.g. `https://ehr.example/`); any hash in it is dropped.
 */
export function emergencyCardLink(base: string, { patient, chainId }: CardLink): string {
  const query = new URLSearchParams({ patient: getAddress(patient), chainId: String(chainId) });
  return `${base.split("#")[0]}#${EMERGENCY_ACCESS_PATH}?${query}`;
}

const NOT_A_CARD =
  "This is not an emergency card link: it should end in #/emergency-access?patient=…&chainId=…, as the card's code does.";

/**
 * Reads an emergency card link: a whole URL from any host serving the dApp, or only its hash
 * (`#/emergency-access?…`). Refuses, with one sentence, a link that is not a card's, a malformed or
 * mistyped patient address (a mixed-case address must carry a valid checksum), and a card made for
 * another chain than `expected`.
 */
export function parseEmergencyCardLink(text: string, expected: ExpectedChain): CardLink {
  const trimmed = text.trim();
  if (!trimmed) throw new FormatError("Paste the link from the patient's emergency card.");
  const hashAt = trimmed.indexOf("#");
  if (hashAt < 0) throw new FormatError(NOT_A_CARD);
  if (hashAt > 0 && !URL.canParse(trimmed)) throw new FormatError(NOT_A_CARD);
  const [path, query = ""] = trimmed.slice(hashAt + 1).split("?", 2);
  if (path !== EMERGENCY_ACCESS_PATH) throw new FormatError(NOT_A_CARD);
  const params = new URLSearchParams(query);

  const patient = params.get("patient") ?? "";
  if (!isAddress(patient, { strict: true })) {
    throw new FormatError(
      "The card's patient address is not valid: the link is damaged or was mistyped. Scan the card again or copy the whole link.",
    );
  }
  const chain = params.get("chainId") ?? "";
  if (!/^[1-9][0-9]{0,15}$/.test(chain)) {
    throw new FormatError("The link does not say which network the card is for, so it cannot be used safely.");
  }
  const chainId = Number(chain);
  if (chainId !== expected.chainId) {
    throw new FormatError(
      `This card was made for another network (chain id ${chainId}), not for ${expected.chainName} (chain id ${expected.chainId}): it cannot open a record here.`,
    );
  }
  return { patient: getAddress(patient), chainId };
}
