import { useGeneralDetails } from "../hooks/useGeneralDetails";

/**
 * What booking or giving access tells the doctor about who the patient is: her name and date of
 * birth from her general details, sealed to the doctor; or, while she has saved no name, that the
 * doctor will see only her account, and where to add it first.
 */
export function NameSharingHint({ action, doctor }: { action: string; doctor: string }) {
  const details = useGeneralDetails();
  const named = details.data === undefined || Boolean(details.data?.details.fullName?.trim());
  if (!named) {
    return (
      <p className="hint" data-testid="name-sharing-hint">
        You have not added your name yet, so {doctor} will see only your account number. To be known by name, add it in{" "}
        <a href="#/details">General details</a> first.
      </p>
    );
  }
  return (
    <p className="hint" data-testid="name-sharing-hint">
      {action} shares your name and date of birth (from your general details) with {doctor}, encrypted so only they can
      read it, so they know you by name.
    </p>
  );
}
