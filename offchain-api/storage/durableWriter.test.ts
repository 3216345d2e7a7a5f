import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { DurableWriter } from "./durableWriter";

describe("DurableWriter", () => {
  let folder: string;
  let writer: DurableWriter;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "durable-writer-"));
    writer = new DurableWriter(2);
  });
  afterEach(async () => {
    await writer.close();
    await chmod(folder, 0o700).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  });
  const at = (...parts: string[]) => path.join(folder, ...parts);
  /** Every name under `dir`, temporary files included. */
  const names = async (dir = folder) => (await readdir(dir, { recursive: true })).sort();

  it("writes each file in place (folders made when missing), owner-only, and answers that it wrote them", async () => {
    const written = await writer.write([
      { file: at("a", "block"), data: new Uint8Array([1, 2, 3]) },
      { file: at("b", "c", "pin"), data: '{"x":1}' },
    ]);
    expect(written).to.deep.equal([true, true]);
    expect([...(await readFile(at("a", "block")))]).to.deep.equal([1, 2, 3]);
    expect(await readFile(at("b", "c", "pin"), "utf8")).to.equal('{"x":1}');
    expect((await stat(at("a", "block"))).mode & 0o777).to.equal(0o600);
    expect(await names()).to.deep.equal(["a", "a/block", "b", "b/c", "b/c/pin"]);
  });

  it("writes a view's own bytes only, and leaves the caller's bytes as they were (neither moved nor changed)", async () => {
    const whole = Buffer.from("0123456789");
    const view = whole.subarray(3, 6);
    const owned = new Uint8Array([7, 8, 9]);
    await writer.write([
      { file: at("view"), data: view },
      { file: at("owned"), data: owned },
    ]);
    expect(await readFile(at("view"), "utf8")).to.equal("345");
    expect([...(await readFile(at("owned")))]).to.deep.equal([7, 8, 9]);
    // Still the caller's: a buffer sent to the worker by transfer would be detached (length 0).
    expect(whole.toString()).to.equal("0123456789");
    expect([...owned]).to.deep.equal([7, 8, 9]);
    expect(owned.buffer.byteLength).to.equal(3);
  });

  it("keeps a file of the same size ('keep-same-size') and any file ('keep'), and replaces one of another size", async () => {
    await writeFile(at("same"), "abc");
    await writeFile(at("other"), "abcdef");
    await writeFile(at("kept"), "old");
    const written = await writer.write([
      { file: at("same"), data: "xyz", existing: "keep-same-size" },
      { file: at("other"), data: "xyz", existing: "keep-same-size" },
      { file: at("kept"), data: "a longer text", existing: "keep" },
    ]);
    expect(written).to.deep.equal([false, true, false]);
    expect(await readFile(at("same"), "utf8")).to.equal("abc");
    expect(await readFile(at("other"), "utf8")).to.equal("xyz");
    expect(await readFile(at("kept"), "utf8")).to.equal("old");
  });

  it("links a file to one written before it in the same call (one inode), and keeps a name that exists", async () => {
    const first = await writer.write([
      { file: at("blocks", "B"), data: "block bytes", existing: "keep-same-size" },
      { file: at("pins", "P"), data: "{}", linkTo: at("blocks", "B") },
    ]);
    expect(first).to.deep.equal([true, true]);
    const [block, pin] = await Promise.all([stat(at("blocks", "B")), stat(at("pins", "P"))]);
    expect(pin.ino).to.equal(block.ino);
    expect(block.nlink).to.equal(2);
    const again = await writer.write([
      { file: at("blocks", "B"), data: "block bytes", existing: "keep-same-size" },
      { file: at("pins", "P"), data: "{}", linkTo: at("blocks", "B") },
    ]);
    expect(again).to.deep.equal([false, false]);
  });

  it("fails with the system's code and leaves nothing of the call: no temporary file, no earlier file of it", async () => {
    await mkdir(at("locked"));
    await chmod(at("locked"), 0o500);
    const readOnly = process.getuid?.() !== 0; // root writes anywhere: then a file stands where a folder must be
    if (!readOnly) await writeFile(at("locked", "x"), "a file, not a folder");
    const target = readOnly ? at("locked", "pin") : at("locked", "x", "pin");
    const error = await writer
      .write([
        { file: at("blocks", "B"), data: "block bytes" },
        { file: target, data: "{}" },
      ])
      .then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
    expect(error?.code).to.equal(readOnly ? "EACCES" : "ENOTDIR");
    expect(await names(at("blocks"))).to.deep.equal([]);
    expect(await names(at("locked"))).to.deep.equal(readOnly ? [] : ["x"]);
  });

  it("settles each call on its own when calls wait for a busy worker and go to it together", async () => {
    const single = new DurableWriter(1);
    try {
      await mkdir(at("locked"));
      await chmod(at("locked"), 0o500);
      const root = process.getuid?.() === 0; // root writes anywhere: then a file stands where a folder must be
      if (root) await writeFile(at("locked", "x"), "a file, not a folder");
      const refusedTarget = root ? at("locked", "x", "f") : at("locked", "f");
      // The first call goes at once; the other nine wait for it and go in one message.
      const calls = Array.from({ length: 10 }, (_, i) =>
        single
          .write([
            { file: at("blocks", `b${i}`), data: `block ${i}` },
            { file: i === 5 ? refusedTarget : at("pins", `p${i}`), data: "{}" },
          ])
          .then(
            (written) => written,
            (e: Error & { code?: string }) => e.code,
          ),
      );
      const answers = await Promise.all(calls);
      expect(answers[5]).to.equal(root ? "ENOTDIR" : "EACCES");
      expect(answers.filter((_, i) => i !== 5)).to.deep.equal(Array.from({ length: 9 }, () => [true, true]));
      const kept = Array.from({ length: 10 }, (_, i) => i).filter((i) => i !== 5);
      expect(await names(at("blocks"))).to.deep.equal(kept.map((i) => `b${i}`));
      expect(await names(at("pins"))).to.deep.equal(kept.map((i) => `p${i}`));
    } finally {
      await single.close();
    }
  });

  it("runs many calls at once across its threads, and refuses writes once closed", async () => {
    const files = Array.from({ length: 40 }, (_, i) => at("many", `f${i}`));
    const written = await Promise.all(files.map((file, i) => writer.write([{ file, data: `file ${i}` }])));
    expect(written.flat().every(Boolean)).to.equal(true);
    expect(await Promise.all(files.map((file) => readFile(file, "utf8")))).to.deep.equal(
      files.map((_, i) => `file ${i}`),
    );
    expect(await names(at("many"))).to.have.length(40);
    await writer.close();
    const refused = await writer.write([{ file: at("late"), data: "x" }]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(refused?.message).to.match(/closed/);
  });
});
