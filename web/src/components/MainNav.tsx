import { lazy, Suspense, useEffect, useId, useState } from "react";
import { buildPath } from "../hooks/useHashRoute";
import type { RouteDef } from "../routes";

const InboxBadge = lazy(() => import("./InboxBadge").then((m) => ({ default: m.InboxBadge })));
const NavIcon = lazy(() => import("./NavIcon"));

/** A page's icon (lucide, loaded with the pages); until it arrives, an empty box of its size. */
const icon = (path: string) => (
  <Suspense fallback={<span className="nav-icon" aria-hidden="true" />}>
    <NavIcon path={path} />
  </Suspense>
);

/**
 * The role's navigation, grouped: a sidebar on a laptop (every page under its group's heading), a
 * bottom bar on a phone (the role's primary pages and "More", which opens every group above the
 * bar). One landmark ("Main"); the phone's bar and the full list never show at the same time.
 */
export function MainNav({ routes, current }: { routes: RouteDef[]; current: RouteDef | undefined }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  // A page change closes the "More" panel; so does a click on a link (also the current page's).
  useEffect(() => setOpen(false), [current]);
  const groups: { name: string | undefined; routes: RouteDef[] }[] = [];
  for (const r of routes) {
    const group = groups.find((g) => g.name === r.group);
    if (group) group.routes.push(r);
    else groups.push({ name: r.group, routes: [r] });
  }
  const link = (r: RouteDef) => (
    <a href={`#${buildPath(r.path)}`} aria-current={r === current ? "page" : undefined} onClick={() => setOpen(false)}>
      {icon(r.path)}
      <span className="nav-label">{r.label}</span>
      {r.path === "/inbox" ? (
        <Suspense fallback={null}>
          <InboxBadge />
        </Suspense>
      ) : null}
    </a>
  );
  const primary = routes.filter((r) => r.primary);
  // On a phone the Inbox may be behind "More": its unread count shows on the button too.
  const inboxBehindMore = routes.some((r) => r.path === "/inbox" && !r.primary);
  return (
    <nav aria-label="Main" className={open ? "main-nav open" : "main-nav"}>
      <div id={`${id}-all`} className="nav-all">
        {groups.map((g) => (
          <div key={g.name ?? ""} className="nav-group">
            {g.name ? <p className="nav-group-name">{g.name}</p> : null}
            <ul>
              {g.routes.map((r) => (
                <li key={r.path}>{link(r)}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <ul className="nav-bar">
        {primary.map((r) => (
          <li key={r.path}>{link(r)}</li>
        ))}
        <li>
          <button
            type="button"
            // On a page reached through "More", the bar shows where you are: on "More".
            className={current && !current.primary ? "nav-more nav-current" : "nav-more"}
            aria-expanded={open}
            aria-controls={`${id}-all`}
            onClick={() => setOpen((was) => !was)}
          >
            {icon("/more")}
            <span className="nav-label">More</span>
            {inboxBehindMore ? (
              <Suspense fallback={null}>
                <InboxBadge onMore />
              </Suspense>
            ) : null}
          </button>
        </li>
      </ul>
    </nav>
  );
}
