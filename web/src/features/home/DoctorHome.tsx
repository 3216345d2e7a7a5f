import "./home.css";
import { specialtyLabel } from "@lib/specialties";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { BookingsToConfirmCard, EmergencyWindowsCard, RecentSharesCard, ScheduleCard } from "./DoctorCards";
import { UnreadMessagesCard } from "./UnreadMessagesCard";
import { KeySetup } from "../keys/KeySetup";

/** "Dr Grace Okafor": the registry's name, with the title added when it has none. */
function titled(name: string): string {
  return /^dr\.?\s/i.test(name) ? name : `Dr ${name}`;
}

/**
 * The doctor's home: who they are (name, specialty, hospital), then open emergency windows with
 * their countdown, bookings to confirm, today's and upcoming visits, patients who shared recently
 * and unread messages. Before the first visit's work: set up the encryption key once.
 */
export function DoctorHome() {
  const { address } = useWallet();
  const { userKey } = useUserKey();
  const write = useCoreWrite();
  const key = useCoreRead("encryptionKeyOf", [address!]);
  const profile = useCoreRead("doctor", [address!]);
  const hospital = useCoreRead("hospital", [profile.data?.hospitalId ?? 0], { enabled: Boolean(profile.data) });
  const hasKey = key.data !== undefined && key.data[0] !== "0x";
  const about = profile.data
    ? [specialtyLabel(profile.data.specialty), hospital.data?.name].filter(Boolean).join(" · ")
    : undefined;
  return (
    <>
      <header className="home-greeting">
        <h1 tabIndex={-1}>{profile.data?.name ? titled(profile.data.name) : "Doctor"}</h1>
        {about ? <p>{about}</p> : null}
      </header>
      {key.isPending ? (
        <p role="status">Reading your key from the chain…</p>
      ) : hasKey ? (
        <>
          {userKey ? null : <UnlockGate>{null}</UnlockGate>}
          <div className="home-cards">
            <EmergencyWindowsCard />
            <BookingsToConfirmCard />
            <ScheduleCard />
            <RecentSharesCard />
            <UnreadMessagesCard emptyHint="Patients who book or share with you can write to you." />
          </div>
          {userKey ? (
            <section className="home-key" aria-labelledby="doctor-key-ready">
              <h2 id="doctor-key-ready">Unlocked in this tab</h2>
              <p>
                You can read what patients share with you here until you press Lock or 15 minutes pass without activity.
              </p>
            </section>
          ) : null}
        </>
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
