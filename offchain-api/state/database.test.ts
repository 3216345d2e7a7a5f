import { expect } from "chai";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { StateDatabase, type Migration } from "./database";

describe("StateDatabase", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ehr-state-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const items: Migration = { id: "test/1-items", up: (db) => db.exec("CREATE TABLE items (name TEXT PRIMARY KEY)") };

  it("creates the file owner-only and applies each migration once, across reopenings", async () => {
    const file = path.join(dir, "state", "state.sqlite");
    let state = StateDatabase.open(file, [items]);
    state.db.prepare("INSERT INTO items VALUES (?)").run("a");
    state.close();
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).to.equal(0o700);
    state = StateDatabase.open(file, [
      items,
      { id: "test/2-more", up: (db) => db.exec("ALTER TABLE items ADD n INT") },
    ]);
    expect(state.db.prepare("SELECT name FROM items").all()).to.deep.equal([{ name: "a" }]);
    expect(state.db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).to.deep.equal({ n: 2 });
    state.close();
  });

  it("leaves the write-ahead log empty after applying migrations, each store's own included", async () => {
    const file = path.join(dir, "state.sqlite");
    const state = StateDatabase.open(file, []);
    const steps = Array.from({ length: 20 }, (_, n): Migration => ({
      id: `test/${n + 1}-table`,
      up: (db) => db.exec(`CREATE TABLE t${n} (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t${n}_v ON t${n} (v)`),
    }));
    state.migrate(steps);
    expect((await stat(`${file}-wal`)).size).to.equal(0);
    state.db.prepare("INSERT INTO t0 (v) VALUES (?)").run("a");
    expect((await stat(`${file}-wal`)).size).to.be.greaterThan(0);
    state.migrate(steps); // nothing new: the log is left as it is
    expect((await stat(`${file}-wal`)).size).to.be.greaterThan(0);
    state.close();
  });

  it("opens a second connection to the same file with its own synchronous setting; each sees the other's commits", () => {
    const file = path.join(dir, "state.sqlite");
    const full = StateDatabase.open(file, [items]);
    const normal = StateDatabase.open(file, [items], { synchronous: "NORMAL" });
    // SQLite's codes: 1 NORMAL, 2 FULL.
    expect(full.db.prepare("PRAGMA synchronous").get()).to.deep.equal({ synchronous: 2 });
    expect(normal.db.prepare("PRAGMA synchronous").get()).to.deep.equal({ synchronous: 1 });
    normal.transaction((db) => db.prepare("INSERT INTO items VALUES (?)").run("from normal"));
    full.transaction((db) => db.prepare("INSERT INTO items VALUES (?)").run("from full"));
    const names = (state: StateDatabase) =>
      (state.db.prepare("SELECT name FROM items ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(names(full)).to.deep.equal(["from full", "from normal"]);
    expect(names(normal)).to.deep.equal(["from full", "from normal"]);
    normal.close();
    full.close();
  });

  it("rolls a failed transaction back whole", () => {
    const state = StateDatabase.open(":memory:", [items]);
    expect(() =>
      state.transaction((db) => {
        db.prepare("INSERT INTO items VALUES (?)").run("x");
        db.prepare("INSERT INTO items VALUES (?)").run("x"); // primary key clash
      }),
    ).to.throw();
    expect(state.db.prepare("SELECT count(*) AS n FROM items").get()).to.deep.equal({ n: 0 });
    state.close();
  });

  it("refuses a broken migration with a StorageError naming it, and records nothing of it", () => {
    const state = StateDatabase.open(":memory:", [items]);
    expect(() => state.migrate([{ id: "test/2-broken", up: (db) => db.exec("CREATE TABLE items (x)") }]))
      .to.throw("could not be migrated")
      .with.property("details", "test/2-broken");
    expect(state.db.prepare("SELECT id FROM schema_migrations").all()).to.deep.equal([{ id: "test/1-items" }]);
    state.close();
  });
});
