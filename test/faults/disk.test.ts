/**
 * The service process with a data folder that fills up or turns read-only under it: uploads fail
 * with a plain reason (507 when full, 503 when it cannot be written), readiness goes red, nothing
 * half-written is left or served, and it recovers by itself once space or write access returns.
 *
 * Where it can (root, `mount` works) the data folder is a small tmpfs: really full, really
 * read-only (a read-only bind mount of the store folder). Elsewhere the full-disk test is skipped and the read-only test makes
 * the store folder read-only with chmod (which root would ignore). A per-file size limit
 * (`ulimit -f`: EFBIG, Node ignores SIGXFSZ) runs everywhere.
 */
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { sha256, toHex } from "../../lib/bytes";
import { rawLeafCid } from "../../lib/api/rawCid";
import { filesUnder } from "../../offchain-api/testing/blobStoreContract";
import { startTestStack, type TestStack } from "../../offchain-api/testing/stack";
import {
  brokenBlockFiles,
  download,
  envelopeFor,
  readiness,
  signInTo,
  startServiceProcess,
  upload,
  type Answer,
  type ServiceUnderTest,
  describeFault,
} from "./support";

/** Mounts a `sizeMiB` tmpfs on `folder`; false when this machine does not let us (not root, no mount). */
function mountTmpfs(folder: string, sizeMiB: number): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMiB}m,mode=0700`, "tmpfs", folder], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Writes `file` until the file system is full (ENOSPC). */
async function fillUp(file: string): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0xee);
      for (;;) {
        try {
          await handle.write(chunk);
        } catch (error) {
          if ((error as { code?: string }).code === "ENOSPC") break;
          throw error;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

/** An upload refused with `status` and a plain sentence naming storage, never a path or errno. */
function expectRefused(answer: Answer, status: number, code: string, reason: RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body.error?.code).to.equal(code);
  expect(answer.body.error?.message).to.match(reason);
  expect(JSON.stringify(answer.body)).not.to.match(/ENOSPC|EROFS|EACCES|EFBIG|\/tmp|node:|\.ts\b/);
}

describeFault("fault: the data folder fills up or turns read-only", function () {
  let stack: TestStack;
  let folder: string;
  let mounted = false;
  let service: ServiceUnderTest;
  let token: string;

  before(async () => {
    stack = await startTestStack();
    folder = await mkdtemp(path.join(tmpdir(), "ehr-faults-disk-"));
    mounted = mountTmpfs(folder, 16);
    service = await startServiceProcess(stack, { dataDir: folder });
    token = await signInTo(stack, service.url, stack.patient);
  });
  after(async () => {
    await service?.close();
    if (mounted) execFileSync("umount", [folder]);
    await rm(folder, { recursive: true, force: true });
    await stack?.close();
  });

  it("full: 507 with a plain reason, readiness red, nothing half-written; recovers once space returns", async function () {
    if (!mounted) this.skip(); // No small file system to fill here (needs root and mount).
    const stored = await envelopeFor(stack, stack.patient.address, 64 * 1024);
    const storedAnswer = await upload(service.url, token, stored);
    expect(storedAnswer.status).to.equal(201);

    const filler = path.join(folder, "filler");
    await fillUp(filler);
    const bytes = await envelopeFor(stack, stack.patient.address, 300 * 1024);
    const blocksBefore = await filesUnder(service.storeDir);
    expectRefused(await upload(service.url, token, bytes), 507, "insufficient_storage", /storage is full/);
    expect(await readiness(service.url)).to.deep.equal({ status: 503, checks: { chain: "ok", storage: "unwritable" } });
    // Nothing of it was kept or is served: no block, no temporary file, no pin.
    expect(await filesUnder(service.storeDir)).to.deep.equal(blocksBefore);
    const cid = rawLeafCid(toHex(await sha256(bytes)));
    expect((await download(service.url, token, cid)).status).to.equal(404);
    // What was stored before is still served.
    expect((await download(service.url, token, storedAnswer.body.cid!)).bytes).to.deep.equal(stored);

    await rm(filler);
    expect((await readiness(service.url)).status).to.equal(200);
    const again = await upload(service.url, token, bytes);
    expect(again.status).to.equal(201);
    expect(again.body.cid).to.equal(cid);
    expect((await download(service.url, token, cid)).bytes).to.deep.equal(bytes);
    expect(await brokenBlockFiles(service.storeDir)).to.deep.equal([]);
    expect(service.running.child.exitCode).to.equal(null);
  });

  it("read-only: 503 with a plain reason, readiness red, reads still served; recovers once writable", async () => {
    const stored = await envelopeFor(stack, stack.patient.address, 32 * 1024);
    const storedAnswer = await upload(service.url, token, stored);
    expect(storedAnswer.status).to.equal(201);
    // A read-only bind mount of the store folder over itself (a read-only remount of the whole
    // tmpfs is refused while the service holds its audit log open for writing).
    const makeReadOnly = mounted
      ? async () => {
          execFileSync("mount", ["--bind", service.storeDir, service.storeDir]);
          execFileSync("mount", ["-o", "remount,bind,ro", service.storeDir]);
        }
      : () => chmodTree(service.storeDir, 0o500);
    const makeWritable = mounted
      ? async () => void execFileSync("umount", [service.storeDir])
      : () => chmodTree(service.storeDir, 0o700);

    await makeReadOnly();
    try {
      const bytes = await envelopeFor(stack, stack.patient.address, 32 * 1024);
      expectRefused(await upload(service.url, token, bytes), 503, "storage_unavailable", /cannot be written/);
      expect((await readiness(service.url)).checks).to.deep.equal({ chain: "ok", storage: "unwritable" });
      expect((await download(service.url, token, storedAnswer.body.cid!)).bytes).to.deep.equal(stored);
      expect((await download(service.url, token, rawLeafCid(toHex(await sha256(bytes))))).status).to.equal(404);
    } finally {
      await makeWritable();
    }
    expect((await readiness(service.url)).status).to.equal(200);
    const bytes = await envelopeFor(stack, stack.patient.address, 32 * 1024);
    expect((await upload(service.url, token, bytes)).status).to.equal(201);
  });

  it("a file-size limit (ulimit -f): a block past it is refused with 507, smaller uploads still stored", async () => {
    const limited = await startServiceProcess(stack, { fileSizeLimitBlocks: 512 }); // 256 KiB per file
    try {
      const limitedToken = await signInTo(stack, limited.url, stack.patient);
      const big = await envelopeFor(stack, stack.patient.address, 400 * 1024);
      expectRefused(await upload(limited.url, limitedToken, big), 507, "insufficient_storage", /storage is full/);
      expect((await download(limited.url, limitedToken, rawLeafCid(toHex(await sha256(big))))).status).to.equal(404);
      expect(await brokenBlockFiles(limited.storeDir)).to.deep.equal([]);
      const small = await envelopeFor(stack, stack.patient.address, 100 * 1024);
      const answer = await upload(limited.url, limitedToken, small);
      expect(answer.status).to.equal(201);
      expect((await download(limited.url, limitedToken, answer.body.cid!)).bytes).to.deep.equal(small);
      expect(limited.running.child.exitCode).to.equal(null);
    } finally {
      await limited.close();
    }
  });
});

/** chmod on `folder` and every folder below it (files keep their mode: blocks are only read). */
async function chmodTree(folder: string, mode: number): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) await chmod(path.join(entry.parentPath, entry.name), mode);
  }
  await chmod(folder, mode);
}
