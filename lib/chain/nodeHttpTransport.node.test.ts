import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import {
  createPublicClient,
  encodeErrorResult,
  encodeFunctionResult,
  HttpRequestError,
  TimeoutError,
  zeroAddress,
  type PublicClient,
} from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { ChainError, ContractRevertedError } from "../errors";
import { nodeHttpTransport } from "./nodeHttpTransport.node";
import { toChainError } from "./toChainError";

/** A JSON-RPC server on loopback answering each call with `answer(call)`: [status, body] or "hang". */
async function rpcServer(answer: (call: { method: string; params: unknown[] }) => [number, string] | "hang") {
  const calls: { method: string; params: unknown[] }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const call = JSON.parse(body);
      calls.push(call);
      const reply = answer(call);
      if (reply === "hang") return;
      res.writeHead(reply[0], { "Content-Type": "application/json" });
      res.end(reply[1].replace("$ID", String(call.id)));
    });
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const clientOf = (url: string, timeoutMs = 10_000) =>
  createPublicClient({ transport: nodeHttpTransport(url, { retryCount: 1, timeoutMs }) }) as PublicClient;

const readDoctor = (client: PublicClient) =>
  client.readContract({ address: zeroAddress, abi: ehrCoreAbi, functionName: "isActiveDoctor", args: [zeroAddress] });

describe("nodeHttpTransport (the service's JSON-RPC client over node:http)", () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

  it("answers calls over one kept-alive connection, decoded by viem as over fetch", async () => {
    const result = encodeFunctionResult({ abi: ehrCoreAbi, functionName: "isActiveDoctor", result: true });
    const server = await rpcServer(() => [200, `{"jsonrpc":"2.0","id":$ID,"result":"${result}"}`]);
    servers.push(server);
    const client = clientOf(server.url);
    expect(await readDoctor(client)).to.equal(true);
    expect(await readDoctor(client)).to.equal(true);
    expect(server.calls.map((c) => c.method)).to.deep.equal(["eth_call", "eth_call"]);
    expect(server.connections()).to.equal(1);
  });

  it("reports a revert with the contract's error name (ContractRevertedError)", async () => {
    const data = encodeErrorResult({ abi: ehrCoreAbi, errorName: "DoctorUnknown", args: [zeroAddress] });
    const server = await rpcServer(() => [
      200,
      `{"jsonrpc":"2.0","id":$ID,"error":{"code":3,"message":"execution reverted","data":"${data}"}}`,
    ]);
    servers.push(server);
    const failure = await readDoctor(clientOf(server.url)).catch((error: unknown) => toChainError(error, "read"));
    expect(failure).to.be.instanceOf(ContractRevertedError);
    expect((failure as ContractRevertedError).errorName).to.equal("DoctorUnknown");
    // A revert is an answer: not tried again.
    expect(server.calls.length).to.equal(1);
  });

  it("fails a node that cannot be reached, answers 5xx or not JSON with HttpRequestError (a ChainError), tried twice", async () => {
    const server = await rpcServer(() => [502, "<html>bad gateway</html>"]);
    servers.push(server);
    const bad = await readDoctor(clientOf(server.url)).catch((error: unknown) => error);
    expect((bad as Error).name).to.match(/CallExecutionError|ContractFunctionExecutionError/);
    expect(
      (bad as { walk(f: (e: unknown) => boolean): unknown }).walk((e) => e instanceof HttpRequestError),
    ).to.be.instanceOf(HttpRequestError);
    expect(server.calls.length).to.equal(2);
    expect(toChainError(bad, "read")).to.be.instanceOf(ChainError);
    const closed = await rpcServer(() => [200, "{}"]);
    await closed.close();
    const refused = await readDoctor(clientOf(closed.url)).catch((error: unknown) => error);
    expect(
      (refused as { walk(f: (e: unknown) => boolean): unknown }).walk((e) => e instanceof HttpRequestError),
    ).to.be.instanceOf(HttpRequestError);
    expect(toChainError(refused, "read")).to.be.instanceOf(ChainError);
  });

  it("gives up on a node that does not answer after timeoutMs (TimeoutError), never hangs", async () => {
    const server = await rpcServer(() => "hang");
    servers.push(server);
    const started = Date.now();
    const hung = await clientOf(server.url, 200)
      .getBlockNumber({ cacheTime: 0 })
      .catch((error: unknown) => error);
    expect(
      (hung as { walk(f: (e: unknown) => boolean): unknown }).walk((e) => e instanceof TimeoutError),
    ).to.be.instanceOf(TimeoutError);
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(server.calls.length).to.equal(2);
  });
});
