import { lazy, Suspense, useEffect, useMemo, useRef } from "react";
import { useDisconnect } from "wagmi";
import { ConnectScreen } from "./components/ConnectScreen";
import { MainNav } from "./components/MainNav";
import { ErrorBanner } from "./components/ErrorBanner";
import { SignInScreen } from "./components/SignInScreen";
import { WrongNetworkBanner } from "./components/WrongNetworkBanner";
import { useEhr } from "./ehr/useEhr";
import { matchPath, RouteContext, useHashRoute, type RouteState } from "./hooks/useHashRoute";
import { ROLE_ROUTES } from "./routes";

// Shown only once signed in: fetched then, not before the first screen (see src/routes.tsx).
const AccountName = lazy(() => import("./components/AccountName").then((m) => ({ default: m.AccountName })));
const EmergencyAlert = lazy(() => import("./components/EmergencyAlert").then((m) => ({ default: m.EmergencyAlert })));

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
  const { address, onRightChain, signedIn, restoring, role, userKey, lock, lockEpoch } = useEhr();
  const { mutate: disconnect } = useDisconnect();
  const [path, navigate] = useHashRoute();
  const main = useRef<HTMLElement>(null);

  const routes = useMemo(() => (role ? ROLE_ROUTES[role] : []), [role]);
  const navRoutes = routes.filter((r) => !r.hidden);
  // The first route whose pattern matches (`/chart/:patient?`), with its parameters; else the home.
  const matched = useMemo(() => {
    for (const r of routes) {
      const params = matchPath(r.path, path);
      if (params) return { route: r, params };
    }
    return routes[0] && { route: routes[0], params: {} };
  }, [routes, path]);
  const route = matched?.route;
  const routeState = useMemo<RouteState | undefined>(
    () => matched && { pattern: matched.route.path, params: matched.params, navigate },
    [matched, navigate],
  );
  const stage = restoring
    ? "restoring"
    : !address
      ? "connect"
      : !onRightChain
        ? "network"
        : !signedIn
          ? "sign-in"
          : !role
            ? "role"
            : "page";

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
              {/* By name once known (loaded with the pages, not before them); the short address until then. */}
              {role === "patient" || role === "doctor" ? (
                <Suspense fallback={<code title={address}>{shortAddress(address)}</code>}>
                  <AccountName address={address} role={role} short={shortAddress(address)} />
                </Suspense>
              ) : (
                <code title={address}>{shortAddress(address)}</code>
              )}
              {role ? <span className="role"> · {ROLE_NAMES[role]}</span> : null}
            </span>
            <button
              type="button"
              onClick={() => lock("manual")}
              disabled={!userKey}
              aria-label="Lock your key now"
              title="Lock: your records close in this tab; you stay signed in"
            >
              Lock
            </button>
            <button type="button" onClick={() => disconnect()} title="Sign out and disconnect your wallet">
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <WrongNetworkBanner />
      <ErrorBanner />
      {stage === "page" ? (
        <Suspense fallback={null}>
          <EmergencyAlert shownByPage={role === "patient" && route?.path === "/"} />
        </Suspense>
      ) : null}
      <div className={stage === "page" && navRoutes.length > 1 ? "shell with-nav" : "shell"}>
        {stage === "page" && navRoutes.length > 1 ? <MainNav routes={navRoutes} current={route} /> : null}
        <main id="main" ref={main} tabIndex={-1}>
          {stage === "restoring" ? (
            <p role="status" className="card">
              Restoring your session…
            </p>
          ) : null}
          {stage === "connect" ? <ConnectScreen /> : null}
          {stage === "network" ? (
            <p className="card">Switch your wallet to the right network to continue (see above).</p>
          ) : null}
          {stage === "sign-in" ? <SignInScreen /> : null}
          {stage === "role" ? <p role="status">Reading your account from the chain…</p> : null}
          {stage === "page" && route ? (
            <RouteContext.Provider value={routeState}>
              <div key={`${lockEpoch}:${route.path}`}>{route.render(navigate)}</div>
            </RouteContext.Provider>
          ) : null}
        </main>
      </div>
    </>
  );
}
