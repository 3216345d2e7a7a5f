import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Address, Hex } from "viem";
import { HttpError } from "../http/errors";
import { StateDatabase } from "../state/database";
import { LEDGER_MIGRATIONS, UploadLedger, type UploadKind } from "./quota";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const upload = (sha256: Hex, size: number, uploader = ALICE, kind: UploadKind = "envelope") => ({
  sha256,
  uploader,
  kind,
  subject: uploader,
  size,
});

/** What the quota counts, computed from the rows themselves (the triggers' independent check). */
function summed(state: StateDatabase) {
  return state.db
    .prepare(
      `SELECT uploader, SUM(size) AS bytes, SUM(kind = 'key-backup') AS backups FROM uploads
       WHERE referenced_at IS NULL AND legacy = 0 GROUP BY uploader ORDER BY uploader`,
    )
    .all()
    .map((row) => ({ ...row }));
}
function kept(state: StateDatabase) {
  return state.db
    .prepare("SELECT uploader, bytes, backups FROM upload_pending WHERE bytes != 0 OR backups != 0 ORDER BY uploader")
    .all()
    .map((row) => ({ ...row }));
}

describe("UploadLedger (the quota of unreferenced uploads)", () => {
  let dir: string;
  let state: StateDatabase;
  let ledger: UploadLedger;
  const limits = { quotaBytes: 1000, keyBackups: 2 };
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ehr-quota-"));
    state = StateDatabase.open(path.join(dir, "state.sqlite"), []);
    ledger = new UploadLedger(state, limits);
  });
  afterEach(async () => {
    state.close();
    await rm(dir, { recursive: true, force: true });
  });

  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      expect(error).to.be.instanceOf(HttpError);
      return (error as HttpError).status;
    }
    return undefined;
  };

  it("counts uploads in flight: a second upload that would pass the quota is refused (413) while the first is received", () => {
    const first = ledger.reserve(upload(hash(1), 600));
    expect(refusal(() => ledger.reserve(upload(hash(2), 500)))).to.equal(413);
    expect(refusal(() => ledger.checkRoom(ALICE, 500))).to.equal(413);
    // Another address has its own quota; the same bytes again count once.
    ledger.reserve(upload(hash(2), 500, BOB)).release();
    const again = ledger.reserve(upload(hash(1), 600));
    first.release();
    again.release();
    expect(refusal(() => ledger.reserve(upload(hash(2), 1000)).release())).to.equal(undefined);
  });

  it("counts a small upload as at least minChargeBytes, in flight and written: the quota bounds how many files, too", async () => {
    const charged = new UploadLedger(state, { quotaBytes: 1000, keyBackups: 2, minChargeBytes: 300 });
    // Three 10-byte files are 900 bytes of the quota; a fourth would pass it.
    const first = charged.reserve(upload(hash(1), 10));
    await first.stored("c1", false);
    const second = charged.reserve(upload(hash(2), 10));
    charged.reserve(upload(hash(3), 10)).release();
    const third = charged.reserve(upload(hash(3), 10));
    expect(refusal(() => charged.reserve(upload(hash(4), 10)))).to.equal(413);
    expect(refusal(() => charged.checkRoom(ALICE, 1))).to.equal(413);
    // The same bytes again still count once; a large file counts its size.
    charged.reserve(upload(hash(1), 10)).release();
    second.release();
    third.release();
    expect(refusal(() => charged.checkRoom(ALICE, 700))).to.equal(undefined);
    expect(refusal(() => charged.checkRoom(ALICE, 701))).to.equal(413);
    expect(kept(state)).to.deep.equal([{ uploader: ALICE, bytes: 300, backups: 0 }]);
  });

  /** Counts the ledger's transactions from now on. */
  const countTransactions = () => {
    const counted = { transactions: 0 };
    const transaction = state.transaction.bind(state);
    state.transaction = (work) => (counted.transactions++, transaction(work));
    return counted;
  };

  it("writes nothing until the blob is stored, then one row in one transaction; a failed upload leaves no row", async () => {
    const counted = countTransactions();
    const failed = ledger.reserve(upload(hash(1), 100));
    failed.release();
    failed.release(); // idempotent
    const ok = ledger.reserve(upload(hash(2), 100));
    expect(state.db.prepare("SELECT COUNT(*) AS n FROM uploads").get()).to.deep.equal({ n: 0 });
    await ok.stored("bafkcid2", false, 1234);
    expect(counted.transactions).to.equal(1);
    expect(
      state.db
        .prepare("SELECT sha256, cid, created_at, legacy FROM uploads")
        .all()
        .map((r) => ({ ...r })),
    ).to.deep.equal([{ sha256: hash(2), cid: "bafkcid2", created_at: 1234, legacy: 0 }]);
    const again = await ok.stored("bafkcid2", false).then(
      () => "written",
      (error: Error) => error.message,
    );
    expect(again).to.match(/ended/);
    // The stored upload still counts; the failed one does not.
    expect(refusal(() => ledger.checkRoom(ALICE, 900))).to.equal(undefined);
    expect(refusal(() => ledger.checkRoom(ALICE, 901))).to.equal(413);
  });

  it("commits the rows of uploads stored in the same turn together; a row that fails fails only its own upload", async () => {
    const counted = countTransactions();
    const stored = [1, 2, 3].map((n) => ledger.reserve(upload(hash(n), 10)).stored(`c${n}`, false, n));
    await Promise.all(stored);
    expect(counted.transactions).to.equal(1);
    // A row the table refuses (a kind outside its CHECK) in the middle of a turn's rows.
    const turn = [
      ledger.reserve(upload(hash(4), 10)).stored("c4", false),
      ledger.reserve(upload(hash(5), 10, ALICE, "bogus" as UploadKind)).stored("c5", false),
      ledger.reserve(upload(hash(6), 10)).stored("c6", false),
    ];
    const outcomes = await Promise.allSettled(turn);
    expect(outcomes.map((o) => o.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).to.equal("The upload could not be recorded.");
    const cids = state.db.prepare("SELECT cid FROM uploads ORDER BY cid").all();
    expect(cids.map((r) => r.cid)).to.deep.equal(["c1", "c2", "c3", "c4", "c6"]);
    // The failed upload left the count; the stored ones are in it.
    expect(refusal(() => ledger.checkRoom(ALICE, 950))).to.equal(undefined);
    expect(refusal(() => ledger.checkRoom(ALICE, 951))).to.equal(413);
  });

  it("marks a blob stored before any tracked upload of it as legacy (never swept), and not a re-upload of a tracked one", async () => {
    await ledger.reserve(upload(hash(1), 10)).stored("old", true);
    await ledger.reserve(upload(hash(2), 10)).stored("new", false);
    await ledger.reserve(upload(hash(2), 10, BOB)).stored("new", true);
    const rows = state.db.prepare("SELECT cid, uploader, legacy FROM uploads ORDER BY cid, uploader").all();
    expect(rows.map((r) => ({ ...r }))).to.deep.equal([
      { cid: "new", uploader: BOB, legacy: 0 },
      { cid: "new", uploader: ALICE, legacy: 0 },
      { cid: "old", uploader: ALICE, legacy: 1 },
    ]);
  });

  it("limits unregistered key backups, in flight or written", async () => {
    const backup = (n: number) => upload(hash(n), 10, ALICE, "key-backup");
    await ledger.reserve(backup(1)).stored("b1", false);
    const flying = ledger.reserve(backup(2));
    expect(refusal(() => ledger.reserve(backup(3)))).to.equal(413);
    // The same backup again is not a third.
    ledger.reserve(backup(2)).release();
    flying.release();
    ledger.reserve(backup(3)).release();
  });

  it("keeps the per-uploader totals equal to the rows they count, through every kind of change", async () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const big = new UploadLedger(state, { quotaBytes: 10 ** 9, keyBackups: 10 ** 6 });
    for (let step = 0; step < 400; step++) {
      const sha = hash(random(40));
      const who = random(2) ? ALICE : BOB;
      switch (random(5)) {
        case 0:
        case 1: {
          const kind = random(4) === 0 ? "key-backup" : "envelope";
          await big.reserve(upload(sha, 1 + random(100), who, kind)).stored(`c${sha}`, random(5) === 0, step);
          break;
        }
        case 2:
          big.markReferenced([sha], step);
          break;
        case 3:
          big.forget(sha, step - random(50));
          break;
        default:
          big.advance(BigInt(step), [hash(random(40)), hash(random(40))], step);
      }
      if (step % 50 === 0) expect(kept(state)).to.deep.equal(summed(state));
    }
    expect(summed(state).length).to.be.greaterThan(0);
    expect(kept(state)).to.deep.equal(summed(state));
  });

  it("fills the totals from the rows already there when the step that adds them first runs", async () => {
    state.close();
    const file = path.join(dir, "old.sqlite");
    state = StateDatabase.open(file, [LEDGER_MIGRATIONS[0]]);
    const insert = state.db.prepare(
      "INSERT INTO uploads (sha256, uploader, cid, kind, subject, size, created_at, referenced_at, legacy) VALUES (?, ?, 'c', ?, ?, ?, 0, ?, ?)",
    );
    insert.run(hash(1), ALICE, "envelope", ALICE, 300, null, 0);
    insert.run(hash(2), ALICE, "key-backup", ALICE, 50, null, 0);
    insert.run(hash(3), ALICE, "envelope", ALICE, 400, 5, 0); // referenced: not counted
    insert.run(hash(4), BOB, "envelope", BOB, 900, null, 1); // legacy: not counted
    state.close();
    state = StateDatabase.open(file, []);
    ledger = new UploadLedger(state, limits);
    expect(kept(state)).to.deep.equal([{ uploader: ALICE, bytes: 350, backups: 1 }]);
    expect(refusal(() => ledger.checkRoom(ALICE, 650))).to.equal(undefined);
    expect(refusal(() => ledger.checkRoom(ALICE, 651))).to.equal(413);
    // Re-uploading bytes already counted counts them once.
    expect(refusal(() => ledger.checkRoom(ALICE, 950, "envelope", hash(1)))).to.equal(undefined);
  });

  it("runs uploads of one blob side by side, and a removal only when none runs (uploads arriving meanwhile wait)", async () => {
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = ledger.shared(hash(1), async () => {
      events.push("upload 1 starts");
      await new Promise<void>((resolve) => (finishFirst = resolve));
      events.push("upload 1 ends");
    });
    const second = ledger.shared(hash(1), async () => {
      events.push("upload 2 runs");
    });
    await second;
    const removal = ledger.exclusive(hash(1), async () => {
      events.push("removal runs");
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push("removal ends");
    });
    const third = ledger.shared(hash(1), async () => {
      events.push("upload 3 runs");
    });
    const other = ledger.exclusive(hash(2), async () => {
      events.push("another blob's removal runs");
    });
    await other;
    finishFirst();
    await Promise.all([first, removal, third]);
    expect(events).to.deep.equal([
      "upload 1 starts",
      "upload 2 runs",
      "another blob's removal runs",
      "upload 1 ends",
      "removal runs",
      "removal ends",
      "upload 3 runs",
    ]);
  });

  it("does not count a blob as expired while an upload of it is in flight", async () => {
    await ledger.reserve(upload(hash(1), 10)).stored("c1", false, 0);
    expect(ledger.stillExpired(hash(1), 100)).to.equal(true);
    const again = ledger.reserve(upload(hash(1), 10, BOB));
    expect(ledger.stillExpired(hash(1), 100)).to.equal(false);
    again.release();
    expect(ledger.stillExpired(hash(1), 100)).to.equal(true);
  });
});
