import { UnlockGate } from "../components/UnlockGate";
import { useEhr } from "../ehr/useEhr";
import { useCoreRead } from "../hooks/useCoreRead";
import { useCoreWrite } from "../hooks/useCoreWrite";
import { KeySetup } from "./KeySetup";

/** The doctor's home: set up the encryption key once after onboarding, then unlock it. */
export function DoctorHome() {
  const { address } = useEhr();
  const write = useCoreWrite();
  const key = useCoreRead("encryptionKeyOf", [address!]);
  const hasKey = key.data !== undefined && key.data[0] !== "0x";
  return (
    <>
      <h1 tabIndex={-1}>Doctor</h1>
      <p>
        Signed in as doctor <code>{address}</code>.
      </p>
      {key.isPending ? (
        <p role="status">Reading your key from the chain…</p>
      ) : hasKey ? (
        <UnlockGate>
          <section className="card" aria-labelledby="doctor-key-ready">
            <h2 id="doctor-key-ready">Your key is unlocked</h2>
            <p>Patients can now share records with you.</p>
          </section>
        </UnlockGate>
      ) : (
        <>
          <h2>Set up your encryption key</h2>
          <KeySetup
            progressTitle="Setting up your key"
            action="Create my key"
            register={(publicKey, backupHash, report) =>
              write("setEncryptionKey", [publicKey, backupHash], "register your encryption key", report)
            }
            onDone={async () => {
              await key.refetch();
            }}
          />
        </>
      )}
    </>
  );
}
