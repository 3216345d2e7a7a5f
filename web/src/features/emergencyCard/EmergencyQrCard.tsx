import { useId, useMemo } from "react";
import { EhrError } from "@lib/errors";
import { useWallet, useUserKey, useErrorBanner } from "../../ehr/useEhr";
import { useGeneralDetails } from "../../hooks/useGeneralDetails";
import { downloadFile } from "../../keys/downloadFile";
import { cardPng, type CardText } from "./cardPng";
import { QrCode } from "./QrCode";
import { qrMatrix } from "./qrMatrix";
import { useEmergencyCardLink } from "./useEmergencyCardLink";
import "./emergencyCard.css";

/**
 * The patient's emergency card: to show on the phone, save as a PNG or print (emergencyCard.css
 * prints the card alone). Its code holds only the link to the doctor's emergency page for this
 * patient on this chain; the name is shown when the dApp knows it (general details, key unlocked).
 */
export function EmergencyQrCard({ optedOut }: { optedOut?: boolean }) {
  const id = useId();
  const { runtime } = useWallet();
  const { userKey } = useUserKey();
  const { showError } = useErrorBanner();
  const link = useEmergencyCardLink();
  const details = useGeneralDetails();
  const name = details.data?.details.fullName.trim() || undefined;
  const text: CardText = {
    name,
    // The network's name: a card of one consortium is no use to another's doctors.
    headline: `In an emergency, scan to open my health record (${runtime.chainName})`,
    instructions:
      "Doctors: scan with a phone camera, or with “Scan a card” on the Emergency access page of Patient EHR. Every opening is logged and I am told at once.",
  };
  const matrix = useMemo(() => (link ? qrMatrix(link) : undefined), [link]);
  if (!link || !matrix) return null;

  const onDownload = async () => {
    try {
      const png = await cardPng(matrix, text);
      downloadFile(new Uint8Array(await png.arrayBuffer()), "emergency-card.png", "image/png");
    } catch (error) {
      showError(new EhrError("The card image could not be saved; try printing it instead.", { cause: error }));
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Your emergency card</h2>
      <p className="hint">
        Keep it on your phone or print it for your wallet. The code holds only a link to your record on this network, no
        health data: a doctor still signs in, states a reason, and you are told at once.
      </p>
      {optedOut ? (
        <p className="notice" role="note">
          You have opted out of emergency access, so a doctor who scans this card cannot open your record. Allow
          emergency access above for the card to work.
        </p>
      ) : null}
      <article className="qr-card" aria-label="Emergency card">
        <p className="qr-card-band" aria-hidden="true">
          <span className="qr-card-cross" />
          Emergency card
        </p>
        <div className="qr-card-body">
          {name ? <p className="qr-card-name">{name}</p> : null}
          <p className="qr-card-headline">{text.headline}</p>
          <QrCode
            className="qr-card-code"
            text={link}
            label="QR code with the link to open my record in an emergency"
          />
          <p className="qr-card-instructions">{text.instructions}</p>
        </div>
      </article>
      {!name ? (
        <p className="hint">
          {userKey
            ? "Your name is not on the card: save it in General details to add it."
            : "Your name is not on the card while your key is locked: unlock it (for example on General details) to add it."}
        </p>
      ) : null}
      <div className="actions qr-card-actions">
        <button type="button" className="primary" onClick={() => void onDownload()}>
          Save as picture
        </button>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <details className="qr-card-link">
        <summary>The link in the code</summary>
        <code data-testid="emergency-card-link">{link}</code>
      </details>
    </section>
  );
}
