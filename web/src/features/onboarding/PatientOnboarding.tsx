import { useWallet } from "../../ehr/useEhr";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { KeySetup } from "../keys/KeySetup";

/** Registers the connected account as a patient, with its encryption key and backup. */
export function PatientOnboarding({ onRegistered }: { onRegistered(): void }) {
  const { refreshRole } = useWallet();
  const write = useCoreWrite();
  return (
    <>
      <h1 tabIndex={-1}>Register as a patient</h1>
      <p>
        Registering records your account and your encryption key's public half on the chain. Nothing about your health
        or identity is written there.
      </p>
      <KeySetup
        progressTitle="Registering you as a patient"
        action="Create my key and register"
        register={(publicKey, backupHash, report) =>
          write("registerPatient", [publicKey, backupHash], "register you as a patient", report)
        }
        onDone={async () => {
          await refreshRole();
          onRegistered();
        }}
      />
    </>
  );
}
