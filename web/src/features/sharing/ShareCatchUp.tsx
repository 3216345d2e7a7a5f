import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { toUserMessage } from "@lib/errors";
import { recordsAwaitingShare, shareAwaitingRecords, type AwaitingShare } from "@lib/records/flows";
import { DoctorName } from "../../components/DoctorName";
import { useWallet, useApiSession, useUserKey } from "../../ehr/useEhr";
import { useConsents } from "../../hooks/useConsents";

/** One string per (doctor, record) pair, so the same set is never shared twice in a row. */
const signatureOf = (awaiting: AwaitingShare[]) =>
  awaiting.map((a) => `${a.doctor}:${a.records.map((r) => r.index).join(",")}`).join(";");

/**
 * Shares with each doctor the patient gave access to the keys of the covered records that doctor
 * cannot open yet: records another doctor added (a doctor's upload wraps keys only for themself,
 * the patient and the emergency custodian; the storage service refuses the rest) or whose sharing
 * failed at grant time. It runs by itself when the patient's key is unlocked (no wallet signature:
 * the keys are wrapped in this browser) and says what it shared. Render inside an UnlockGate.
 */
export function ShareCatchUp() {
  const { address } = useWallet();
  const { signedIn } = useApiSession();
  const { userKey, flowContext } = useUserKey();
  const consents = useConsents("patient");
  const grants = (consents.data?.grants ?? []).map((g) => ({ doctor: g.doctor, categories: g.categories }));
  const awaiting = useQuery({
    queryKey: ["awaiting-share", address, grants],
    enabled: address !== undefined && signedIn && consents.data !== undefined && grants.length > 0,
    queryFn: () => recordsAwaitingShare(flowContext(), grants),
  });
  const [state, setState] = useState<
    | { kind: "sharing"; count: number }
    | { kind: "shared"; doctors: Address[]; parts: number }
    | { kind: "failed"; message: string }
  >();
  const tried = useRef<string | undefined>(undefined);

  useEffect(() => {
    const pending = awaiting.data;
    if (!pending?.length || !userKey) return;
    const signature = signatureOf(pending);
    if (tried.current === signature) return;
    tried.current = signature;
    const count = pending.reduce((n, a) => n + a.records.length, 0);
    setState({ kind: "sharing", count });
    shareAwaitingRecords(flowContext(), { patientKey: userKey, awaiting: pending })
      .then((parts) => {
        setState({ kind: "shared", doctors: pending.map((a) => a.doctor), parts });
        void awaiting.refetch();
      })
      .catch((error: unknown) => setState({ kind: "failed", message: toUserMessage(error) }));
  }, [awaiting, userKey, flowContext]);

  if (state?.kind === "sharing") {
    return (
      <p role="status">
        Sharing {state.count} record{state.count === 1 ? "" : "s"} with the doctors you gave access to…
      </p>
    );
  }
  if (state?.kind === "shared" && state.parts > 0) {
    return (
      <p role="status" className="card">
        Shared your newer records with{" "}
        {state.doctors.map((doctor, i) => (
          <span key={doctor}>
            {i > 0 ? ", " : ""}
            <DoctorName address={doctor} />
          </span>
        ))}
        , who can now open them under the access you gave.
      </p>
    );
  }
  if (state?.kind === "failed") {
    return (
      <p role="alert">
        Some records could not be shared with the doctors you gave access to yet: {state.message} It is tried again when
        you next open your records.
      </p>
    );
  }
  return null;
}
