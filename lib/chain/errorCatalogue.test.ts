import { expect } from "chai";
import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import { contractErrorNames, errorSentences, sentenceFor } from "./errorCatalogue";

describe("error catalogue", () => {
  const abiErrors = [...ehrCoreAbi, ...appointmentBookAbi].filter((item) => item.type === "error").map((e) => e.name);

  it("has a sentence for every custom error of both contracts' ABIs", () => {
    const missing = [...new Set(abiErrors)].filter((name) => sentenceFor(name) === undefined);
    expect(missing, "errors with no sentence in lib/chain/errorCatalogue.ts").to.deep.equal([]);
  });

  it("holds no sentence for an error the contracts no longer have", () => {
    const stale = Object.keys(errorSentences).filter((name) => !(abiErrors as string[]).includes(name));
    expect(stale).to.deep.equal([]);
    expect(contractErrorNames).to.have.members([...new Set(abiErrors)]);
  });

  it("says each as one sentence that ends in a full stop and names no address or number", () => {
    for (const [name, sentence] of Object.entries(errorSentences)) {
      expect(sentence, name).to.match(/^[A-Z].*\.$/);
      expect(sentence, name).not.to.match(/0x[0-9a-f]/i);
    }
  });

  it("answers undefined for a name that is not a contract error, including inherited object keys", () => {
    expect(sentenceFor("NoSuchError")).to.equal(undefined);
    expect(sentenceFor("toString")).to.equal(undefined);
  });
});
