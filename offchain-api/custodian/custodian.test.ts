import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { expect } from "chai";
import request from "supertest";
import { FormatError } from "../../lib/errors";
import { loadConfig } from "../config";
import { startTestStack, TEST_CUSTODIAN_KEK, type TestStack } from "../testing/stack";
import { thrown } from "../../lib/testing/thrown";

describe("GET /v1/custodian", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ withoutCustodian: true });
  });
  after(async () => stack?.close());

  it("answers the custodian's public key, not published until the admin sets it on the chain", async () => {
    const before = await request(stack.app).get("/v1/custodian").expect(200);
    expect(before.body).to.deep.equal({ publicKey: stack.services.custodian.publicKey, published: false });
    expect(before.body.publicKey).to.match(/^0x[0-9a-f]{128}$/);
    expect(JSON.stringify(before.body)).not.to.include(stack.services.custodian.privateKey.slice(2));
    await (await stack.coreContract.setCustodianKey(stack.services.custodian.publicKey)).wait();
    expect((await request(stack.app).get("/v1/custodian").expect(200)).body.published).to.equal(true);
  });

  it("reports published false when the chain holds another key", async () => {
    await (await stack.coreContract.setCustodianKey(stack.patient.key.publicKey)).wait();
    expect((await request(stack.app).get("/v1/custodian").expect(200)).body.published).to.equal(false);
  });
});

describe("the custodian key at rest (secrets at rest)", () => {
  let stack: TestStack;
  let file: string;
  before(async () => {
    stack = await startTestStack();
    file = path.join(stack.dataDir, "api", "custodian.key");
  });
  after(async () => stack?.close());

  const stored = async () => JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const hexOf = (key: string) => key.replace(/^0x/, "").toLowerCase();
  /** The error `restartServices(env)` fails with. */
  const refusedStart = async (env: NodeJS.ProcessEnv) => {
    const error = await stack.restartServices(env).then(
      () => undefined,
      (e: unknown) => e as FormatError,
    );
    expect(error, "the service should refuse to start").to.be.instanceOf(FormatError);
    return error!;
  };

  it("keeps the private key encrypted (AES-256-GCM under the key-encryption key), owner-only", async () => {
    const text = await readFile(file, "utf8");
    expect(text).not.to.include(hexOf(stack.services.custodian.privateKey));
    expect(await stored()).to.include({
      version: 2,
      algorithm: "AES-256-GCM",
      publicKey: stack.services.custodian.publicKey,
    });
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(stack.services.custodian.encrypted).to.equal(true);
  });

  it("encrypts a clear custodian.key from before on first start, keeping the same keypair", async () => {
    const { privateKey, publicKey } = stack.services.custodian;
    await writeFile(file, JSON.stringify({ version: 1, privateKey, publicKey }), { mode: 0o644 });
    await chmod(file, 0o644);
    await stack.restartServices();
    expect(stack.services.custodian.publicKey).to.equal(publicKey);
    expect(stack.services.custodian.privateKey).to.equal(privateKey);
    expect(await readFile(file, "utf8")).not.to.include(hexOf(privateKey));
    expect((await stored()).version).to.equal(2);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    // The emergency path still works with it: the chain holds the same key.
    expect((await request(stack.app).get("/v1/custodian").expect(200)).body.published).to.equal(true);
  });

  it("refuses to start with a wrong key-encryption key, in one sentence without key material", async () => {
    const before = await readFile(file, "utf8");
    const wrong = "ab".repeat(32);
    const error = await refusedStart({ EHR_CUSTODIAN_KEK: wrong });
    expect(error.message).to.equal(
      "The emergency custodian key could not be decrypted: the key-encryption key (EHR_CUSTODIAN_KEK or EHR_CUSTODIAN_KEK_FILE) is not the one it was encrypted with.",
    );
    const shown = `${error.message} ${JSON.stringify(error)} ${String(error.details ?? "")}`;
    for (const secret of [wrong, TEST_CUSTODIAN_KEK, hexOf(stack.services.custodian.privateKey)]) {
      expect(shown).not.to.include(secret);
    }
    // Nothing was changed.
    expect(await readFile(file, "utf8")).to.equal(before);
    const none = await refusedStart({ EHR_CUSTODIAN_KEK: undefined });
    expect(none.message).to.match(/^The emergency custodian key is encrypted: supply its key-encryption key/);
    await stack.restartServices();
  });

  it("takes the key-encryption key from a file outside the data folder (hex, base64 or 32 raw bytes)", async () => {
    const kekFolder = await mkdtemp(path.join(tmpdir(), "ehr-kek-"));
    try {
      const kek = Buffer.from(TEST_CUSTODIAN_KEK, "hex");
      for (const [name, content] of [
        ["hex", TEST_CUSTODIAN_KEK],
        ["base64", `${kek.toString("base64")}\n`],
        ["raw", kek],
      ] as const) {
        const kekFile = path.join(kekFolder, name);
        await writeFile(kekFile, content, { mode: 0o600 });
        await stack.restartServices({ EHR_CUSTODIAN_KEK: undefined, EHR_CUSTODIAN_KEK_FILE: kekFile });
        expect(stack.services.custodian.encrypted).to.equal(true);
      }
    } finally {
      await stack.restartServices();
      await rm(kekFolder, { recursive: true, force: true });
    }
  });

  for (const [name, env, variable] of [
    [
      "both ways at once",
      { EHR_CUSTODIAN_KEK: "ab".repeat(32), EHR_CUSTODIAN_KEK_FILE: "/etc/kek" },
      "EHR_CUSTODIAN_KEK",
    ],
    ["a key that is not 32 bytes", { EHR_CUSTODIAN_KEK: "secret-not-a-key" }, "EHR_CUSTODIAN_KEK"],
    [
      "a key file inside the data folder",
      { EHR_DATA_DIR: "/srv/ehr", EHR_CUSTODIAN_KEK_FILE: "/srv/ehr/kek" },
      "EHR_CUSTODIAN_KEK_FILE",
    ],
  ] as const) {
    it(`refuses ${name} in the configuration, naming the variable and never the value`, () => {
      const error = thrown(() => loadConfig(env), FormatError);
      expect(error.details).to.include(variable);
      expect(`${JSON.stringify(error)} ${error.message}`).not.to.match(/secret-not-a-key|abababab/);
    });
  }

  it("never shows the key-encryption key when the configuration is printed", () => {
    const config = loadConfig({ EHR_CUSTODIAN_KEK: TEST_CUSTODIAN_KEK });
    expect(Buffer.from(config.custodianKek!()).toString("hex")).to.equal(TEST_CUSTODIAN_KEK);
    expect(`${JSON.stringify(config)} ${inspect(config, { depth: 5 })}`).not.to.include(TEST_CUSTODIAN_KEK);
  });

  it("never logs the custodian's private key or its key-encryption key", () => {
    const logged = stack.logs.join("\n").toLowerCase();
    expect(logged.length).to.be.greaterThan(0);
    expect(logged).not.to.include(hexOf(stack.services.custodian.privateKey));
    expect(logged).not.to.include(TEST_CUSTODIAN_KEK);
  });
});
