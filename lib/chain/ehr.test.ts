import { expect } from "chai";
import { errorSentences } from "./errorCatalogue";
import { encodeErrorResult, UnknownRpcError, ContractFunctionExecutionError } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { ChainError, ContractRevertedError, UserRejectedError } from "../errors";
import { toChainError } from "./ehr";

describe("toChainError", function () {
  it("maps a wallet rejection (4001) anywhere in the cause chain to UserRejectedError", function () {
    const error = toChainError(
      new Error("wrapped", { cause: { code: 4001, message: "User rejected" } }),
      "add the record",
    );
    expect(error).to.be.instanceOf(UserRejectedError);
    expect(error.shortMessage).to.equal("You declined the request in your wallet; nothing was changed.");
  });

  it("decodes a custom error from revert data on the raw provider error", function () {
    const data = encodeErrorResult({
      abi: ehrCoreAbi,
      errorName: "AccessUnauthorized",
      args: [`0x${"11".repeat(20)}`, `0x${"22".repeat(20)}`, 3n, false],
    });
    const raw = Object.assign(new Error("VM Exception"), { data });
    const error = toChainError(new UnknownRpcError(raw), "log your access to the record");
    expect(error).to.be.instanceOf(ContractRevertedError);
    expect(error).to.be.instanceOf(ChainError);
    expect((error as ContractRevertedError).errorName).to.equal("AccessUnauthorized");
    expect(error.shortMessage).to.equal(errorSentences.AccessUnauthorized);
    expect(error.message).to.not.include("1111");
  });

  it("names an undecodable failure plainly as ChainError", function () {
    const cause = new ContractFunctionExecutionError(new UnknownRpcError(new Error("socket hang up")), {
      abi: ehrCoreAbi,
      functionName: "recordCount",
      args: [`0x${"11".repeat(20)}`],
    });
    const error = toChainError(cause, "count the records");
    expect(error).to.not.be.instanceOf(ContractRevertedError);
    expect(error).to.be.instanceOf(ChainError);
    expect(error.shortMessage).to.equal("The chain could not count the records.");
  });

  it("passes the library's own errors through", function () {
    const own = new ChainError("x");
    expect(toChainError(own, "y")).to.equal(own);
  });
});
