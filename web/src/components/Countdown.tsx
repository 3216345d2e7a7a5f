import { useEffect, useState } from "react";
import { localMinute } from "@lib/localTime";

function format(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${h}:${two(m)}:${two(s)}`;
}

/**
 * The time left until `until`, ticking every second. The visible clock is not a live region
 * (a screen reader would hear it every second); the ending is announced once.
 */
export function Countdown({ until, label }: { until: Date; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = until.getTime() - now;
  return (
    <div className="countdown">
      <p>
        {label}:{" "}
        <time role="timer" aria-label={`${label}`} dateTime={until.toISOString()} data-testid="countdown">
          {format(left)}
        </time>{" "}
        (until {localMinute(until)})
      </p>
      <p role="status">{left <= 0 ? "The emergency window has ended." : ""}</p>
    </div>
  );
}
