import type { Address } from "viem";
import type { StoredMessage } from "../../lib/api/wire/messages";
import type { Migration, StateDatabase } from "../state/database";

/** Cards listed per caller and direction: more patients than one doctor sees in years. */
export const MAX_LISTED_CARDS = 5000;

const MIGRATIONS: Migration[] = [
  {
    id: "identityCards/1-cards",
    up(db) {
      db.exec(`CREATE TABLE identity_cards (
        patient TEXT NOT NULL,
        doctor TEXT NOT NULL,
        card TEXT NOT NULL,
        shared_at TEXT NOT NULL,
        PRIMARY KEY (patient, doctor)
      )`);
      db.exec("CREATE INDEX identity_cards_by_doctor ON identity_cards (doctor, shared_at)");
    },
  },
];

/**
 * The latest name card each patient shared with each doctor, in the service's state database (one
 * row per pair: sharing again replaces it). Holds the sealed card (ciphertext and the two addresses)
 * and when it was stored; never logs one.
 */
export class IdentityCardStore {
  constructor(private readonly state: StateDatabase) {
    state.migrate(MIGRATIONS);
  }

  /** Stores `card` as the pair's card, replacing an earlier one. */
  put(card: Omit<StoredMessage, "sentAt">): StoredMessage {
    const stored: StoredMessage = { ...card, sentAt: new Date().toISOString() };
    this.state.transaction((db) =>
      db
        .prepare(
          "INSERT INTO identity_cards (patient, doctor, card, shared_at) VALUES (?, ?, ?, ?) " +
            "ON CONFLICT (patient, doctor) DO UPDATE SET card = excluded.card, shared_at = excluded.shared_at",
        )
        .run(key(card.patient), key(card.doctor), JSON.stringify(stored), stored.sentAt),
    );
    return stored;
  }

  /** Removes the pair's card; whether there was one. */
  remove(patient: Address, doctor: Address): boolean {
    return this.state.transaction(
      (db) =>
        Number(
          db.prepare("DELETE FROM identity_cards WHERE patient = ? AND doctor = ?").run(key(patient), key(doctor))
            .changes,
        ) > 0,
    );
  }

  /** The cards sealed to `doctor`, newest first. */
  receivedBy(doctor: Address): StoredMessage[] {
    return this.list("doctor", doctor);
  }

  /** The cards `patient` shared, newest first. */
  sharedBy(patient: Address): StoredMessage[] {
    return this.list("patient", patient);
  }

  private list(column: "doctor" | "patient", who: Address): StoredMessage[] {
    const rows = this.state.db
      .prepare(`SELECT card FROM identity_cards WHERE ${column} = ? ORDER BY shared_at DESC LIMIT ?`)
      .all(key(who), MAX_LISTED_CARDS) as { card: string }[];
    return rows.map((row) => JSON.parse(row.card) as StoredMessage);
  }
}

const key = (address: string) => address.toLowerCase();
