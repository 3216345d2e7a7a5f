import "./home.css";
import { UnlockGate } from "../../components/UnlockGate";
import { useUserKey } from "../../ehr/useEhr";
import { useGeneralDetails } from "../../hooks/useGeneralDetails";
import {
  AccessRequestsCard,
  EmergencyOpeningsCard,
  EndingGrantsCard,
  NewRecordsCard,
  NextAppointmentCard,
} from "./PatientCards";
import { UnreadMessagesCard } from "./UnreadMessagesCard";

/**
 * The patient's home: her name, then what needs her now, most urgent first (an emergency opening,
 * doctors asking for access, access ending within a week), then her next visit, messages and new
 * records, each with a link to the page that deals with it.
 */
export function PatientHome() {
  const { userKey } = useUserKey();
  const details = useGeneralDetails();
  const name = details.data?.details.fullName?.trim();
  return (
    <>
      <header className="home-greeting">
        <h1 tabIndex={-1}>
          {name ? <span className="home-hello">Hello, {name}</span> : null}
          Your health record
        </h1>
        {details.data === null ? (
          <p>
            Add your name and health details in <a href="#/details">General details</a>, so doctors you choose know you.
          </p>
        ) : null}
      </header>
      {userKey ? null : <UnlockGate>{null}</UnlockGate>}
      <div className="home-cards">
        <EmergencyOpeningsCard />
        <AccessRequestsCard />
        <EndingGrantsCard />
        <NextAppointmentCard />
        <UnreadMessagesCard emptyHint="Your doctors can write to you once you book or share." />
        <NewRecordsCard />
      </div>
      {userKey ? (
        <section className="home-key" aria-labelledby="key-ready">
          <h2 id="key-ready">Unlocked in this tab</h2>
          <p>
            Your records can be opened in this tab only. They lock again when you press Lock, after 15 minutes without
            activity, or when MetaMask switches account or network.
          </p>
        </section>
      ) : null}
    </>
  );
}
