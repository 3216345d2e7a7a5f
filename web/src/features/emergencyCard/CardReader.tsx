import { Link2, ScanQrCode } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Address } from "viem";
import { EhrError } from "@lib/errors";
import { FieldError } from "../../components/FieldError";
import { PatientName } from "../../components/PatientName";
import { useWallet } from "../../ehr/useEhr";
import { emergencyCardLink, parseEmergencyCardLink } from "./cardLink";
import { useQrScanner } from "./useQrScanner";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import "./emergencyCard.css";

/**
 * The doctor's way in from a patient's emergency card: the link the page was opened with (a phone
 * camera opened the card's code, or the doctor signed in after opening it), a camera scan, or the
 * pasted link. A card for another chain or with a damaged address is refused in one sentence; an
 * accepted one is kept in the page's address, so a reload lands on the same patient.
 */
export function CardReader({ onPatient }: { onPatient(patient: Address): void }) {
  const id = useId();
  const { runtime } = useWallet();
  const [link, setLink] = useState("");
  const [error, setError] = useState<string>();
  const [found, setFound] = useState<Address>();

  const take = (text: string, { fromAddress = false } = {}) => {
    try {
      const card = parseEmergencyCardLink(text, { chainId: runtime.chainId, chainName: runtime.chainName });
      setError(undefined);
      setFound(card.patient);
      onPatient(card.patient);
      if (!fromAddress) window.history.replaceState(null, "", emergencyCardLink(window.location.href, card));
    } catch (cause) {
      setFound(undefined);
      setLink(text.trim());
      setError(cause instanceof EhrError ? cause.shortMessage : "The card's link could not be read.");
    }
  };
  const takeRef = useRef(take);
  takeRef.current = take;

  useEffect(() => {
    const fromAddress = () => {
      if (window.location.hash.includes("?")) takeRef.current(window.location.hash, { fromAddress: true });
    };
    fromAddress();
    window.addEventListener("hashchange", fromAddress);
    return () => window.removeEventListener("hashchange", fromAddress);
  }, []);

  const scanner = useQrScanner((text) => take(text));
  const onPaste = (event: FormEvent) => {
    event.preventDefault();
    take(link);
  };

  return (
    <section className="card card-reader" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>From the patient&apos;s emergency card</h2>
      <p className="hint">Scan the code on the card, or paste the link it holds.</p>
      {scanner.active ? (
        <>
          <video
            ref={scanner.videoRef}
            muted
            playsInline
            aria-label="What the camera sees"
            data-engine={scanner.engine}
          />
          <p role="status">Point the camera at the code on the card…</p>
          <Button onPress={scanner.stop}>Stop the camera</Button>
        </>
      ) : (
        <Button variant="primary" icon={ScanQrCode} onPress={scanner.start}>
          Scan a card
        </Button>
      )}
      <FieldError data-testid="camera-error">{scanner.error}</FieldError>
      <form onSubmit={onPaste} noValidate>
        <TextField
          label="Link from the card"
          type="url"
          value={link}
          onChange={setLink}
          inputMode="url"
          autoComplete="off"
          placeholder="https://…/#/emergency-access?patient=…"
          errorMessage={error}
        />
        <Button type="submit" icon={Link2}>
          Use this link
        </Button>
      </form>
      {found ? (
        <p role="status" data-testid="card-patient">
          {/* By name when the patient shared it; the whole address is in "Find a patient" below. */}
          From the card: <PatientName address={found} />
        </p>
      ) : null}
    </section>
  );
}
