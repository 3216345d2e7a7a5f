import { UnlockGate } from "../components/UnlockGate";
import { useEhr } from "../ehr/useEhr";

/** The patient's home: the key's state, and where the record's pages are. */
export function PatientHome() {
  const { address } = useEhr();
  return (
    <>
      <h1 tabIndex={-1}>Your health record</h1>
      <p>
        Signed in as patient <code>{address}</code>.
      </p>
      <UnlockGate>
        <section className="card" aria-labelledby="key-ready">
          <h2 id="key-ready">Your key is unlocked</h2>
          <p>
            Your encryption key is unlocked in this tab only. It is cleared when you press Lock, after 15 minutes
            without activity, or when your wallet switches account or network.
          </p>
        </section>
      </UnlockGate>
    </>
  );
}
