import { useRememberName } from "../../hooks/useKnownName";
import { useEffect, useId, useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";
import { FormatError } from "@lib/errors";
import { decodeReads, summarySources, type DecodedReads } from "@lib/clinical/decodeReads";
import { openEmergencyAndRead, readEmergencyRecords } from "@lib/records/flows";
import { repeatsJustification } from "@lib/records/emergency";
import { sentenceFor } from "@lib/chain/errorCatalogue";
import { Countdown } from "../../components/Countdown";
import { formatSlot } from "../../components/format";
import { localMinute } from "@lib/localTime";
import { EmergencyCard } from "../../components/EmergencyCard";
import { PatientName } from "../../components/PatientName";
import { PatientPicker } from "../../components/PatientPicker";
import { Progress } from "../../components/Progress";
import { SummaryView } from "../../components/SummaryView";
import { UnlockGate } from "../../components/UnlockGate";
import { EMERGENCY_REASONS } from "../../components/emergencyReasons";
import { categoryName } from "../../components/clinicalFormat";
import type { TaskStage } from "../../components/stages";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useRouteParam } from "../../hooks/useHashRoute";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { CardReader } from "../emergencyCard/CardReader";
import "../../components/clinical.css";
import { recordName, recordNumber } from "../../records/recordNumber";

const STAGES: TaskStage[] = [
  "awaiting-signature",
  "pending",
  "confirmed",
  "access-log",
  "download",
  "verify",
  "decrypt",
];

/** The start of the next UTC day (unix seconds): the chain counts emergency openings per UTC day. */
function nextUtcDay(): number {
  return (Math.floor(Date.now() / 86_400_000) + 1) * 86_400;
}

/** One patient: the open window's countdown and card, or the form that opens one. */
function Emergency({ patient }: { patient: Address }) {
  const id = useId();
  const { address } = useWallet();
  const { flowContext, userKey } = useUserKey();
  const task = useTaskMutation();
  const emergencyWindow = useCoreRead("emergencyWindowOf", [patient, address!]);
  // The chain decides whether the window is open (an opt-out or a suspension closes it early) and
  // what the break-glass policy asks of the next opening: read before the doctor signs anything.
  const hasAccess = useCoreRead("hasEmergencyAccess", [patient, address!]);
  const policy = useCoreRead("emergencyPolicy", []);
  const openedToday = useCoreRead("emergencyOpeningsToday", [address!]);
  const secondReasonUntil = useCoreRead("emergencySecondReasonUntil", [patient, address!]);
  const [reason, setReason] = useState(0);
  const [justification, setJustification] = useState("");
  // What was read in the window, decoded: in this page's memory only.
  const [card, setCard] = useState<DecodedReads>();
  // The card's name titles this patient wherever the page names them ("Emergency access is open: <name>").
  useRememberName(patient, card?.details);

  const expiresAt = emergencyWindow.data ? new Date(Number(emergencyWindow.data.expiresAt) * 1000) : undefined;
  const open = hasAccess.data === true && expiresAt !== undefined;
  const dailyLimit = policy.data?.dailyLimit;
  const limitReached = dailyLimit !== undefined && openedToday.data !== undefined && openedToday.data >= dailyLimit;
  const secondReasonBy = secondReasonUntil.data ? new Date(Number(secondReasonUntil.data) * 1000) : undefined;
  const previousOpening = emergencyWindow.data?.openedAt
    ? new Date(Number(emergencyWindow.data.openedAt) * 1000)
    : undefined;
  const refetchRules = () =>
    Promise.all([emergencyWindow.refetch(), hasAccess.refetch(), openedToday.refetch(), secondReasonUntil.refetch()]);

  const onOpen = (event: FormEvent) => {
    event.preventDefault();
    void task.run(async (report) => {
      if (!reason) throw new FormatError("Choose a reason for emergency access.");
      if (!justification.trim()) throw new FormatError("Write a justification for emergency access.");
      if (
        secondReasonBy &&
        emergencyWindow.data &&
        repeatsJustification(justification, emergencyWindow.data.justificationTag)
      ) {
        throw new FormatError(
          "This is the justification of your previous opening: write a second one saying why emergency access is needed again.",
        );
      }
      const result = await openEmergencyAndRead(
        flowContext((p) => report(p.stage)),
        {
          patient,
          reasonCode: reason,
          justification,
          doctorKey: userKey!,
        },
      );
      await refetchRules();
      setCard(decodeReads(result));
    });
  };
  const onReadAgain = () =>
    task.run(async (report) => {
      const result = await readEmergencyRecords(
        flowContext((p) => report(p.stage)),
        { patient, doctorKey: userKey! },
      );
      setCard(decodeReads(result));
    });

  if ([emergencyWindow, hasAccess, policy, openedToday, secondReasonUntil].some((read) => read.isPending)) {
    return <p role="status">Checking for an open emergency window…</p>;
  }
  return (
    <>
      {open ? (
        <section className="card" aria-labelledby={`${id}-window`}>
          <h2 id={`${id}-window`}>
            Emergency access is open: <PatientName address={patient} />
          </h2>
          <Countdown until={expiresAt} label="Time left in the emergency window" />
          <p>The patient has been told, and the administrator will review this access.</p>
          {!card ? (
            <button type="button" onClick={() => void onReadAgain()} disabled={task.busy}>
              Read the emergency card
            </button>
          ) : null}
        </section>
      ) : limitReached ? (
        <section className="card" aria-labelledby={`${id}-limit`}>
          <h2 id={`${id}-limit`}>Emergency access is not available</h2>
          <p role="status">
            {dailyLimit === 0
              ? "The administrator has turned emergency access off: treat the patient without their record, or ask the administrator."
              : sentenceFor("EmergencyDailyLimitReached")}
          </p>
        </section>
      ) : (
        <form className="card" onSubmit={onOpen} noValidate aria-labelledby={`${id}-form`}>
          <h2 id={`${id}-form`}>
            Open emergency access to <PatientName address={patient} />
          </h2>
          <p>
            Break-glass access opens the patient&apos;s general details and record summaries for a short, fixed window.
            The patient sees it at once and the administrator reviews it. Use it only when the patient cannot consent
            and care cannot wait.
          </p>
          <label htmlFor={`${id}-reason`}>Reason</label>
          <select id={`${id}-reason`} value={reason} onChange={(e) => setReason(Number(e.target.value))}>
            <option value={0}>Choose a reason…</option>
            {Object.entries(EMERGENCY_REASONS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
          {secondReasonBy ? (
            <p id={`${id}-second-reason`} role="note">
              You opened emergency access to this patient
              {previousOpening ? ` at ${localMinute(previousOpening)}` : ""}. Until {localMinute(secondReasonBy)},
              opening it again needs a second justification, different from the first.
            </p>
          ) : null}
          <label htmlFor={`${id}-justification`}>
            {secondReasonBy ? "Second justification" : "Written justification"}
          </label>
          <textarea
            id={`${id}-justification`}
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
            rows={4}
            aria-describedby={`${id}-justification-hint${secondReasonBy ? ` ${id}-second-reason` : ""}`}
          />
          <p id={`${id}-justification-hint`} className="hint">
            The administrator reviews it with you: keep a copy. Only a fingerprint of it is recorded, never the text.
            {dailyLimit !== undefined && openedToday.data !== undefined
              ? ` You have opened ${openedToday.data} of your ${dailyLimit} emergency accesses today; the count starts again at ${formatSlot(nextUtcDay())}.`
              : ""}
          </p>
          <button type="submit" className="primary" disabled={task.busy}>
            Open emergency access
          </button>
        </form>
      )}
      {task.busy ? <Progress title="Emergency access" stages={STAGES} current={task.stage} /> : null}
      {card ? (
        <>
          <EmergencyCard details={card.details} summaries={summarySources(card)} />
          {card.summaries.map((s) => (
            <section key={s.index} className="card" aria-labelledby={`${id}-s${s.index}`}>
              <h2 id={`${id}-s${s.index}`}>
                What {recordName(s.index)} says: {categoryName(s.category)}
              </h2>
              {/* One report's own words can disagree with the reconciled card above, which is what to act on. */}
              <p className="hint">
                As extracted from this one report; the emergency card above is the reconciled list.
              </p>
              <SummaryView stored={s.stored} />
            </section>
          ))}
          {card.unavailable.length ? (
            <section className="card" aria-labelledby={`${id}-unavailable`}>
              <h2 id={`${id}-unavailable`}>Could not be opened</h2>
              <ul>
                {card.unavailable.map((u) => (
                  <li key={`${u.index}-${u.part}`}>
                    Record {recordNumber(u.index)} ({u.part}): {u.reason}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/**
 * Break-glass access: the patient from their emergency card (link, scan or paste), from the URL
 * (`#/emergency-access/0x…`, the doctor home's open window) or typed, then reason and
 * justification, a visible countdown, and the emergency card. Once a patient is chosen, what
 * concerns them (the form naming them, or the open window and the card with the allergies) comes
 * first, right under the page's heading; the card reader and the search, for another patient, follow.
 */
export function EmergencyAccess() {
  const [param, setParam] = useRouteParam("patient");
  const fromUrl = param && isAddress(param, { strict: false }) ? getAddress(param) : undefined;
  const [patient, setPatient] = useState<Address | undefined>(fromUrl);
  // A link to another patient while the page is shown; a card read keeps its own link in the URL.
  useEffect(() => {
    if (fromUrl) setPatient(fromUrl);
  }, [fromUrl]);
  const onPick = (picked: Address) => {
    setPatient(getAddress(picked));
    setParam(getAddress(picked)); // in the URL: a reload stays on this patient
  };
  return (
    <>
      <h1 tabIndex={-1}>Emergency access</h1>
      <UnlockGate>
        {patient ? <Emergency key={patient} patient={patient} /> : null}
        {patient ? <h2>Another patient</h2> : null}
        <CardReader onPatient={setPatient} />
        <PatientPicker key={patient} action="Choose patient" onPick={onPick} initial={patient} />
      </UnlockGate>
    </>
  );
}
