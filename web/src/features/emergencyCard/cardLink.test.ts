/// <reference types="mocha" />
import { expect } from "chai";
import { FormatError } from "../../../../lib/errors";
import { emergencyCardLink, parseEmergencyCardLink } from "./cardLink";

const PATIENT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const LOCAL = { chainId: 31337, chainName: "EHR local chain" };

function refusal(text: string): string {
  try {
    parseEmergencyCardLink(text, LOCAL);
  } catch (error) {
    expect(error).to.be.instanceOf(FormatError);
    return (error as FormatError).shortMessage;
  }
  throw new Error(`accepted: ${text}`);
}

describe("emergencyCardLink", () => {
  it("puts the checksummed patient and the chain id in the hash route of the doctor's emergency page", () => {
    expect(
      emergencyCardLink("https://ehr.example/app/", { patient: PATIENT.toLowerCase() as never, chainId: 31337 }),
    ).to.equal(`https://ehr.example/app/#/emergency-access?patient=${PATIENT}&chainId=31337`);
  });

  it("drops the hash of the page it is made on", () => {
    expect(emergencyCardLink("http://127.0.0.1:5173/#/emergency", { patient: PATIENT, chainId: 7 })).to.equal(
      `http://127.0.0.1:5173/#/emergency-access?patient=${PATIENT}&chainId=7`,
    );
  });
});

describe("parseEmergencyCardLink", () => {
  const link = emergencyCardLink("http://127.0.0.1:5173/", { patient: PATIENT, chainId: 31337 });

  it("reads back the link it makes", () => {
    expect(parseEmergencyCardLink(link, LOCAL)).to.deep.equal({ patient: PATIENT, chainId: 31337 });
  });

  it("takes the link from another host serving the dApp, only its hash, and surrounding blanks", () => {
    const hash = link.slice(link.indexOf("#"));
    expect(parseEmergencyCardLink(`https://hospital.example/ehr/${hash}`, LOCAL).patient).to.equal(PATIENT);
    expect(parseEmergencyCardLink(hash, LOCAL).patient).to.equal(PATIENT);
    expect(parseEmergencyCardLink(`  ${link}\n`, LOCAL).patient).to.equal(PATIENT);
  });

  it("takes a lower-case address and gives it back checksummed", () => {
    expect(parseEmergencyCardLink(link.replace(PATIENT, PATIENT.toLowerCase()), LOCAL).patient).to.equal(PATIENT);
  });

  it("refuses a card made for another chain, naming both networks", () => {
    expect(refusal(link.replace("chainId=31337", "chainId=1"))).to.equal(
      "This card was made for another network (chain id 1), not for EHR local chain (chain id 31337): it cannot open a record here.",
    );
  });

  it("refuses a malformed or mistyped patient address", () => {
    const sentence =
      "The card's patient address is not valid: the link is damaged or was mistyped. Scan the card again or copy the whole link.";
    expect(refusal(link.replace(PATIENT, PATIENT.slice(0, -1)))).to.equal(sentence);
    expect(refusal(link.replace(PATIENT, `${PATIENT.slice(0, -1)}7`))).to.equal(sentence); // checksum no longer matches
    expect(refusal(link.replace(PATIENT, "not-an-address"))).to.equal(sentence);
    expect(refusal(link.replace(`patient=${PATIENT}&`, ""))).to.equal(sentence);
  });

  it("refuses a link without a usable chain id", () => {
    const sentence = "The link does not say which network the card is for, so it cannot be used safely.";
    expect(refusal(link.replace("&chainId=31337", ""))).to.equal(sentence);
    expect(refusal(link.replace("chainId=31337", "chainId=0x7a69"))).to.equal(sentence);
    expect(refusal(link.replace("chainId=31337", "chainId=-1"))).to.equal(sentence);
  });

  it("refuses what is not a card link", () => {
    const sentence =
      "This is not an emergency card link: it should end in #/emergency-access?patient=…&chainId=…, as the card's code does.";
    expect(refusal(PATIENT)).to.equal(sentence);
    expect(refusal("https://ehr.example/#/records")).to.equal(sentence);
    expect(refusal(link.replace("/emergency-access", "/emergency"))).to.equal(sentence);
    expect(refusal(`not a url ${link}`)).to.equal(sentence);
    expect(refusal("   ")).to.equal("Paste the link from the patient's emergency card.");
  });
});
