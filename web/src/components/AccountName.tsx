import { useDoctors } from "../hooks/useDoctors";
import { useGeneralDetails } from "../hooks/useGeneralDetails";

/**
 * The signed-in user in the header, as MyChart and the NHS App name them: a patient by the name in
 * her general details once her key is unlocked, a doctor by the registry's name; the short address
 * (`short`) until the name is known. The whole address stays in the tooltip.
 */
export function AccountName({ address, role, short }: { address: string; role: "patient" | "doctor"; short: string }) {
  return role === "patient" ? (
    <OwnPatientName address={address} short={short} />
  ) : (
    <OwnDoctorName address={address} short={short} />
  );
}

function OwnPatientName({ address, short }: { address: string; short: string }) {
  const name = useGeneralDetails().data?.details.fullName?.trim();
  return name ? (
    <span className="account-name" title={address}>
      {name}
    </span>
  ) : (
    <code title={address}>{short}</code>
  );
}

function OwnDoctorName({ address, short }: { address: string; short: string }) {
  const name = useDoctors().data?.find((d) => d.account.toLowerCase() === address.toLowerCase())?.name;
  return name ? (
    <span className="account-name" title={address}>
      {name}
    </span>
  ) : (
    <code title={address}>{short}</code>
  );
}
