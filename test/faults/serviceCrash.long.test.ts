/**
 * The long run of serviceCrash.test.ts (`npm run test:faults` only): five SIGKILL/restart rounds
 * under three parallel streams of raw multi-block uploads, then every acknowledged blob is served
 * byte for byte and every block on disk is whole.
 */
import { expect } from "chai";
import { startTestStack, type TestStack } from "../../offchain-api/testing/stack";
import {
  brokenBlockFiles,
  crashDuringStream,
  download,
  envelopeFor,
  signInTo,
  startServiceProcess,
  upload,
  type ServiceUnderTest,
  describeFault,
} from "./support";

describeFault("fault (long): five SIGKILLs during three streams of uploads", function () {
  let stack: TestStack;
  let service: ServiceUnderTest;

  before(async () => {
    stack = await startTestStack();
    service = await startServiceProcess(stack);
  });
  after(async () => {
    await service?.close();
    await stack?.close();
  });

  it("every 201 is served byte for byte after the last restart; no block on disk is cut short", async function () {
    this.timeout(900_000);
    const token = await signInTo(stack, service.url, stack.patient);
    const { acked, failures } = await crashDuringStream(
      service,
      { streams: 3, ackedBeforeKill: 2, rounds: 5 },
      async () => {
        const bytes = await envelopeFor(stack, stack.patient.address, 2560 * 1024);
        const answer = await upload(service.url, token, bytes);
        if (answer.status !== 201) throw new Error(`upload answered ${answer.status}`);
        return { cid: answer.body.cid!, bytes };
      },
    );
    expect(failures.length).to.be.at.least(15);
    for (const { cid, bytes } of acked) {
      const served = await download(service.url, token, cid);
      expect(served.status, cid).to.equal(200);
      expect(Buffer.compare(Buffer.from(served.bytes!), Buffer.from(bytes))).to.equal(0);
    }
    expect(await brokenBlockFiles(service.storeDir)).to.deep.equal([]);
  });
});
