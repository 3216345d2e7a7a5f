import { useCallback, useEffect, useRef, useState } from "react";
import { frameDecoder, type FrameDecoder } from "./frameDecoder";

/** How often a frame is read while scanning: fast enough to feel instant, light on a phone's battery. */
const FRAME_INTERVAL_MS = 150;

/** Why the camera cannot be used, in one sentence that points to the paste alternative. */
export function cameraSentence(error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "NotAllowedError" || name === "SecurityError")
    return "The camera was not allowed. Allow it in your browser's settings for this site, or paste the card's link below.";
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return "No camera was found on this device. Paste the card's link below instead.";
  if (name === "NotReadableError")
    return "The camera is in use by another app or could not be started. Close that app, or paste the card's link below.";
  return "The camera could not be started. Paste the card's link below instead.";
}

export interface QrScanner {
  /** Attach to the <video> that shows what the camera sees (rendered while `active`). */
  videoRef: React.RefObject<HTMLVideoElement | null>;
  /** The camera is asked for or running. */
  active: boolean;
  /** Which reader decodes the frames, once scanning. */
  engine?: FrameDecoder["engine"];
  /** Why the camera could not be used, as a sentence. */
  error?: string;
  start(): void;
  stop(): void;
}

/**
 * Scans a QR code with the device's camera (the back one where there is a choice): calls `onText`
 * with the first code read, then turns the camera off. Turned off on unmount too.
 */
export function useQrScanner(onText: (text: string) => void): QrScanner {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [active, setActive] = useState(false);
  const [engine, setEngine] = useState<FrameDecoder["engine"]>();
  const [error, setError] = useState<string>();
  const stopRef = useRef<() => void>(undefined);
  const onTextRef = useRef(onText);
  onTextRef.current = onText;

  const stop = useCallback(() => {
    stopRef.current?.();
    stopRef.current = undefined;
    setActive(false);
  }, []);
  useEffect(() => stop, [stop]);

  const start = useCallback(() => {
    stop();
    setError(undefined);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError("This browser cannot use a camera on this page. Paste the card's link below instead.");
      return;
    }
    setActive(true);
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    stopRef.current = () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
      if (videoRef.current) videoRef.current.srcObject = null;
    };
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        const decode = await frameDecoder();
        const video = videoRef.current;
        if (stopped || !video) return stream.getTracks().forEach((track) => track.stop());
        setEngine(decode.engine);
        video.srcObject = stream;
        await video.play();
        const tick = async () => {
          if (stopped) return;
          // A frame that cannot be read (still starting, blurred) is skipped: the next one may be.
          const text = await decode(video).catch(() => undefined);
          if (stopped) return;
          if (text) {
            stop();
            onTextRef.current(text);
          } else timer = setTimeout(() => void tick(), FRAME_INTERVAL_MS);
        };
        void tick();
      } catch (cause) {
        if (stopped) return;
        stop();
        setError(cameraSentence(cause));
      }
    })();
  }, [stop]);

  return { videoRef, active, engine, error, start, stop };
}
