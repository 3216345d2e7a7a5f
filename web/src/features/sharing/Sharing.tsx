import { useState } from "react";
import { revokeAccess } from "@lib/records/flows";
import { describeCategories } from "../../components/CategoryPicker";
import { ConfirmButton } from "../../components/ConfirmButton";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES } from "../../components/stages";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useConsents } from "../../hooks/useConsents";
import { useDoctors } from "../../hooks/useDoctors";
import { useSendNote } from "../../hooks/useSendNote";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { formatSlot, GRANT_SOURCE, shortAddress } from "../../components/format";
import { GrantForm } from "./GrantForm";
import { APPROVE_STAGES, useAnswerRequest } from "./useAnswerRequest";
import "../../components/care.css";

/**
 * The patient's sharing: give a doctor access, see the live grants (categories, expiry) and revoke
 * them, and answer doctors' access requests. Approving shares the keys of the covered records.
 */
export function Sharing() {
  const { address } = useWallet();
  const { flowContext, userKey } = useUserKey();
  const sendNote = useSendNote();
  const consents = useConsents("patient");
  const doctors = useDoctors();
  const answer = useAnswerRequest();
  const task = useTaskMutation();
  const nameOf = (account: string) =>
    doctors.data?.find((d) => d.account.toLowerCase() === account.toLowerCase())?.name ?? shortAddress(account);
  const [approving, setApproving] = useState(false);
  /** What the finished action made so, said where its progress was. */
  const [outcome, setOutcome] = useState<string>();

  const onRevoke = (doctor: `0x${string}`, reason: string) =>
    task.run(async (report) => {
      setApproving(false);
      setOutcome(`Sharing stopped: ${nameOf(doctor)} can no longer read your records.`);
      // Sent while the grant still links the two: after the revoke no message could reach the doctor.
      if (reason && address) await sendNote({ patient: address, doctor }, `Reason for ending your access: ${reason}`);
      await revokeAccess(
        flowContext((p) => report(p.stage)),
        { doctor },
      );
      await consents.refetch();
    });
  const onApprove = (doctor: `0x${string}`, categories: number) =>
    task.run(async (report) => {
      setApproving(true);
      setOutcome(`Approved: ${nameOf(doctor)} can now read what you shared.`);
      await answer.approve(doctor, categories, report);
    });
  const onDeny = (doctor: `0x${string}`) =>
    task.run(async (report) => {
      setApproving(false);
      setOutcome(`Denied: ${nameOf(doctor)} was not given access.`);
      await answer.deny(doctor, report);
    });

  return (
    <>
      <h1 tabIndex={-1}>Sharing</h1>
      <p>
        Doctors read only the categories you choose, only until the access ends. You can stop sharing at any time; what
        a doctor has already read cannot be taken back.
      </p>
      <TaskProgress
        title="Updating your sharing"
        stages={approving ? APPROVE_STAGES : WRITE_STAGES}
        task={task}
        doneText={outcome}
      />

      <section aria-labelledby="requests-title">
        <h2 id="requests-title">Access requests</h2>
        {consents.isPending ? (
          <p role="status">Reading requests from the chain…</p>
        ) : consents.isError ? (
          <p role="alert">Your sharing could not be read from the chain. Try again in a moment.</p>
        ) : consents.data.requests.length === 0 ? (
          <p>No doctor is asking for access.</p>
        ) : (
          <ul className="care-list" aria-label="Access requests">
            {consents.data.requests.map((r) => (
              <li key={r.doctor}>
                <h3>{nameOf(r.doctor)}</h3>
                <p>Asks for: {describeCategories(r.categories)}</p>
                <p>For {Math.max(1, Math.round(r.duration / 86_400))} days from your approval</p>
                <div className="actions">
                  <button
                    type="button"
                    className="primary"
                    disabled={task.busy || !userKey}
                    onClick={() => void onApprove(r.doctor, r.categories)}
                    aria-label={`Approve ${nameOf(r.doctor)}'s request`}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    disabled={task.busy}
                    onClick={() => void onDeny(r.doctor)}
                    aria-label={`Deny ${nameOf(r.doctor)}'s request`}
                  >
                    Deny
                  </button>
                </div>
                {userKey ? null : <p className="muted">Unlock your key below to approve.</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="grants-title">
        <h2 id="grants-title">Who can read your records</h2>
        {consents.isPending || consents.isError ? null : consents.data.grants.length === 0 ? (
          <p>No doctor has access to your records.</p>
        ) : (
          <ul className="care-list" aria-label="Active grants">
            {consents.data.grants.map((g) => (
              <li key={g.doctor}>
                <h3>{nameOf(g.doctor)}</h3>
                <p>Can read: {describeCategories(g.categories)}</p>
                <p>
                  Until {formatSlot(g.expiresAt)} · {GRANT_SOURCE[g.source] ?? ""}
                </p>
                <ConfirmButton
                  label="Stop sharing"
                  ariaLabel={`Stop sharing with ${nameOf(g.doctor)}`}
                  disabled={task.busy}
                  question={`${nameOf(g.doctor)} will no longer be able to open your records. What they have already read cannot be taken back.`}
                  reasonLabel={`Reason, sent to ${nameOf(g.doctor)} (optional)`}
                  confirmLabel="Yes, stop sharing"
                  keepLabel="Keep access"
                  onConfirm={(reason) => void onRevoke(g.doctor, reason)}
                />
              </li>
            ))}
          </ul>
        )}
      </section>

      <UnlockGate>
        <GrantForm doctors={doctors.data ?? []} onGranted={() => consents.refetch()} />
      </UnlockGate>
    </>
  );
}
