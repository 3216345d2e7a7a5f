import { expect } from "chai";
import { fromUtf8, sha256, toHex, utf8 } from "../bytes";
import { FormatError, IntegrityError, KeyUnlockError, WeakPassphraseError } from "../errors";
import { DEFAULT_SCRYPT, createKeyBackup, keyBackupHash, restoreKeyBackup } from "./keyBackup";
import type { KeyBackupMeta, UserKey } from "./types";
import { generateUserKey } from "./userKeyPair";
import { rejection } from "../testing/rejection";

const fast = { scrypt: { N: 2 ** 10, r: 8, p: 1 } };
const passphrase = "correct horse battery staple";
const meta: KeyBackupMeta = {
  address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  chainId: 31337,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  createdAt: "2026-11-21T15:00:00.000Z",
};

/** A backup file's JSON, loosely typed so tests can break it. */
interface BackupJson {
  format: unknown;
  version: unknown;
  kdf: Record<string, unknown>;
  cipher: Record<string, unknown>;
  ciphertext: string;
  publicKey: string;
  meta: Record<string, unknown>;
}

function editJson(file: Uint8Array, edit: (json: BackupJson) => void): Uint8Array {
  const json = JSON.parse(fromUtf8(file));
  edit(json);
  return utf8(JSON.stringify(json));
}

function flipHexDigit(hex: string, index = 2): string {
  return hex.slice(0, index) + (hex[index] === "0" ? "1" : "0") + hex.slice(index + 1);
}

describe("key backup", () => {
  let key: UserKey;
  let file: Uint8Array;

  before(async () => {
    key = generateUserKey();
    file = await createKeyBackup(key, passphrase, meta, fast);
  });

  it("writes a versioned JSON file that does not contain the private key", () => {
    const text = fromUtf8(file);
    const json = JSON.parse(text);
    expect(json).to.include({ format: "ehr-key-backup", version: 1, publicKey: key.publicKey });
    expect(json.kdf).to.include({ name: "scrypt", N: 1024, r: 8, p: 1 });
    expect(json.kdf.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(json.cipher).to.include({ name: "AES-256-GCM" });
    expect(json.cipher.iv).to.match(/^0x[0-9a-f]{24}$/);
    expect(json.ciphertext).to.match(/^0x[0-9a-f]{96}$/);
    expect(json.meta).to.deep.equal(meta);
    expect(text).to.not.include(key.privateKey.slice(2));
  });

  it("restores the key and its meta with the passphrase", async () => {
    expect(await restoreKeyBackup(file, passphrase)).to.deep.equal({ key, meta });
  });

  it("normalises the passphrase (NFKC): composed and decomposed accents open the same file", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).to.not.equal(composed);
    const accented = await createKeyBackup(key, composed, meta, fast);
    expect((await restoreKeyBackup(accented, decomposed)).key).to.deep.equal(key);
  });

  it("restores with the default scrypt cost (N = 2^17, r = 8, p = 1)", async () => {
    const strong = await createKeyBackup(key, passphrase, meta);
    expect(JSON.parse(fromUtf8(strong)).kdf).to.include({ ...DEFAULT_SCRYPT });
    expect((await restoreKeyBackup(strong, passphrase)).key).to.deep.equal(key);
  });

  it("says cannot unlock for a wrong passphrase", async () => {
    const error = await rejection(restoreKeyBackup(file, "correct horse battery stapler"));
    expect(error).to.be.instanceOf(KeyUnlockError);
    expect((error as KeyUnlockError).shortMessage).to.equal(
      "Cannot unlock this key backup: the passphrase is wrong, or the file was changed.",
    );
  });

  const tampered: [string, (json: BackupJson) => void][] = [
    ["ciphertext", (j) => (j.ciphertext = flipHexDigit(j.ciphertext, 10))],
    ["GCM tag", (j) => (j.ciphertext = flipHexDigit(j.ciphertext, 96))],
    ["iv", (j) => (j.cipher.iv = flipHexDigit(j.cipher.iv as string))],
    ["kdf salt", (j) => (j.kdf.salt = flipHexDigit(j.kdf.salt as string))],
    ["scrypt r", (j) => (j.kdf.r = 4)],
    ["publicKey", (j) => (j.publicKey = generateUserKey().publicKey)],
    ["meta.address", (j) => (j.meta.address = "0x0000000000000000000000000000000000000001")],
    ["meta.chainId", (j) => (j.meta.chainId = 1)],
    ["meta.contract", (j) => (j.meta.contract = "0x0000000000000000000000000000000000000002")],
    ["meta.createdAt", (j) => (j.meta.createdAt = "2020-01-01T00:00:00.000Z")],
  ];
  for (const [field, edit] of tampered) {
    it(`says cannot unlock when the file's ${field} was changed`, async () => {
      const error = await rejection(restoreKeyBackup(editJson(file, edit), passphrase));
      expect(error).to.be.instanceOf(KeyUnlockError);
    });
  }

  const malformed: [string, Uint8Array | (() => Uint8Array)][] = [
    ["empty file", new Uint8Array()],
    ["not UTF-8", new Uint8Array([0xff, 0xfe, 0x00])],
    ["not JSON", utf8("hello")],
    ["a JSON array", utf8("[]")],
    ["another format", () => editJson(file, (j) => (j.format = "other"))],
    ["version 0", () => editJson(file, (j) => (j.version = 0))],
    ["version as a string", () => editJson(file, (j) => (j.version = "1"))],
    ["another KDF", () => editJson(file, (j) => (j.kdf.name = "pbkdf2"))],
    ["another cipher", () => editJson(file, (j) => (j.cipher.name = "AES-128-GCM"))],
    ["scrypt N not a power of two", () => editJson(file, (j) => (j.kdf.N = 1000))],
    ["scrypt N too large for a browser", () => editJson(file, (j) => (j.kdf.N = 2 ** 24))],
    ["scrypt memory over 256 MiB", () => editJson(file, (j) => ((j.kdf.N = 2 ** 20), (j.kdf.r = 8)))],
    ["truncated ciphertext", () => editJson(file, (j) => (j.ciphertext = j.ciphertext.slice(0, 66)))],
    ["missing iv", () => editJson(file, (j) => delete j.cipher.iv)],
    ["bad meta address", () => editJson(file, (j) => (j.meta.address = "0x12"))],
    ["bad meta date", () => editJson(file, (j) => (j.meta.createdAt = "yesterday"))],
    ["truncated file", () => file.subarray(0, file.length - 10)],
    ["oversized file", () => new Uint8Array(100_000).fill(0x20)],
  ];
  for (const [what, input] of malformed) {
    it(`refuses a malformed file (${what}) as a FormatError`, async () => {
      const bytes = typeof input === "function" ? input() : input;
      const error = await rejection(restoreKeyBackup(bytes, passphrase));
      expect(error).to.be.instanceOf(FormatError);
      expect((error as FormatError).shortMessage).to.equal(
        "This is not a key backup file this app can read, or it is damaged.",
      );
    });
  }

  it("asks to update the app for a file of a newer version", async () => {
    const error = await rejection(
      restoreKeyBackup(
        editJson(file, (j) => (j.version = 2)),
        passphrase,
      ),
    );
    expect(error).to.be.instanceOf(FormatError);
    expect((error as FormatError).shortMessage).to.include("newer version of the app");
  });

  it("refuses a passphrase shorter than 12 characters (after NFKC)", async () => {
    for (const weak of ["", "short", "elevenchars", "\uFF41\uFF42\uFF43"]) {
      const error = await rejection(createKeyBackup(key, weak, meta, fast));
      expect(error, weak).to.be.instanceOf(WeakPassphraseError);
      expect((error as WeakPassphraseError).shortMessage).to.include("at least 12 characters");
    }
    expect(await createKeyBackup(key, "twelve chars", meta, fast)).to.be.instanceOf(Uint8Array);
  });

  it("refuses to back up a key pair that does not match, invalid meta, or weak scrypt parameters", async () => {
    const other = generateUserKey();
    const cases: Promise<unknown>[] = [
      createKeyBackup({ privateKey: key.privateKey, publicKey: other.publicKey }, passphrase, meta, fast),
      createKeyBackup({ privateKey: `0x${"00".repeat(32)}`, publicKey: key.publicKey }, passphrase, meta, fast),
      createKeyBackup(key, passphrase, { ...meta, chainId: 0 }, fast),
      createKeyBackup(key, passphrase, { ...meta, address: "0x12" }, fast),
      createKeyBackup(key, passphrase, meta, { scrypt: { N: 2 ** 8, r: 8, p: 1 } }),
      createKeyBackup(key, passphrase, meta, { scrypt: { N: 2 ** 10, r: 0, p: 1 } }),
    ];
    for (const attempt of cases) expect(await rejection(attempt)).to.be.instanceOf(FormatError);
  });

  it("hashes the file with SHA-256: the keyBackup registered on-chain", async () => {
    const hash = await keyBackupHash(file);
    expect(hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(hash).to.equal(toHex(await sha256(file)));
  });

  it("restores only the file registered on-chain when given its hash", async () => {
    const expectedHash = await keyBackupHash(file);
    expect((await restoreKeyBackup(file, passphrase, { expectedHash })).key).to.deep.equal(key);
    const reformatted = editJson(file, () => undefined); // same content, other bytes
    const error = await rejection(restoreKeyBackup(reformatted, passphrase, { expectedHash }));
    expect(error).to.be.instanceOf(IntegrityError);
  });
});
