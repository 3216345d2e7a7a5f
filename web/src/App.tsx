import { lazy, Suspense, useEffect, useRef } from "react";
import { useDisconnect } from "wagmi";
import { ConnectScreen } from "./components/ConnectScreen";
import { ErrorBanner } from "./components/ErrorBanner";
import { SignInScreen } from "./components/SignInScreen";
import { WrongNetworkBanner } from "./components/WrongNetworkBanner";
import { useEhr } from "./ehr/useEhr";
import { useHashRoute } from "./hooks/useHashRoute";
import { ROLE_ROUTES } from "./routes";

// Shown only once signed in: fetched then, not before the first screen (see src/routes.tsx).
const EmergencyAlert = lazy(() => import("./components/EmergencyAlert").then((m) => ({ default: m.EmergencyAlert })));
const InboxBadge = lazy(() => import("./components/InboxBadge").then((m) => ({ default: m.InboxBadge })));

const ROLE_NAMES = {
  none: "not registered",
  patient: "patient",
  "pending-patient": "patient (pending approval)",
  doctor: "doctor",
  suspended: "suspended doctor",
  hospital: "hospital operator",
  admin: "administrator",
} as const;

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/**
 * The shell: a header with the account and the Lock button, the network and error banners, the
 * role's navigation and its page. Each step gates the next: connect, right network, sign in, role.
 * On every page change the new page's heading takes the focus, so screen readers announce it.
 */
export function App() {
  const { address, onRightChain, signedIn, role, userKey, lock, lockEpoch } = useEhr();
  const { mutate: disconnect } = useDisconnect();
  const [path, navigate] = useHashRoute();
  const main = useRef<HTMLElement>(null);

  const routes = role ? ROLE_ROUTES[role] : [];
  const navRoutes = routes.filter((r) => !r.hidden);
  const route = routes.find((r) => r.path === path) ?? routes[0];
  const stage = !address ? "connect" : !onRightChain ? "network" : !signedIn ? "sign-in" : !role ? "role" : "page";

  const first = useRef(true);
  useEffect(() => {
    document.title = route && stage === "page" ? `${route.label} · Patient EHR` : "Patient EHR";
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>("h1")?.focus();
  }, [route, stage]);

  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <header className="site-header">
        <p className="brand">Patient EHR</p>
        {address ? (
          <div className="account" aria-label="Your account">
            <span>
              <span className="visually-hidden">Account </span>
              <code title={address}>{shortAddress(address)}</code>
              {role ? <span className="role"> · {ROLE_NAMES[role]}</span> : null}
            </span>
            <button type="button" onClick={() => lock("manual")} disabled={!userKey} aria-label="Lock your key now">
              Lock
            </button>
            <button type="button" onClick={() => disconnect()}>
              Disconnect
            </button>
          </div>
        ) : null}
      </header>
      <WrongNetworkBanner />
      <ErrorBanner />
      {stage === "page" ? (
        <Suspense fallback={null}>
          <EmergencyAlert />
        </Suspense>
      ) : null}
      {stage === "page" && navRoutes.length > 1 ? (
        <nav aria-label="Main">
          <ul>
            {navRoutes.map((r) => (
              <li key={r.path}>
                <a href={`#${r.path}`} aria-current={r === route ? "page" : undefined}>
                  {r.label}
                  {r.path === "/inbox" ? (
                    <Suspense fallback={null}>
                      <InboxBadge />
                    </Suspense>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" ref={main} tabIndex={-1}>
        {stage === "connect" ? <ConnectScreen /> : null}
        {stage === "network" ? (
          <p className="card">Switch your wallet to the right network to continue (see above).</p>
        ) : null}
        {stage === "sign-in" ? <SignInScreen /> : null}
        {stage === "role" ? <p role="status">Reading your account from the chain…</p> : null}
        {stage === "page" && route ? <div key={`${lockEpoch}:${route.path}`}>{route.render(navigate)}</div> : null}
      </main>
    </>
  );
}
