import { createContext, useCallback, useContext, useEffect, useState } from "react";

function current(): string {
  // A query after the path (`#/emergency-access?patient=…`) is the page's to read, not part of its path.
  const path = window.location.hash.replace(/^#/, "").split("?")[0];
  return path.startsWith("/") ? path : "/";
}

/**
 * The page path from the URL's hash (`#/records/3`): links work without a server that knows the
 * app's routes, the browser's back button works, and a reload or a shared link lands on the same
 * page with the same parameters.
 */
export function useHashRoute(): [string, (path: string) => void] {
  const [path, setPath] = useState(current);
  useEffect(() => {
    const onChange = () => setPath(current());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const navigate = useCallback((to: string) => {
    window.location.hash = to;
  }, []);
  return [path, navigate];
}

export type RouteParams = Record<string, string | undefined>;

function segments(path: string): string[] {
  return path.split("/").filter(Boolean);
}

/**
 * The parameters of `path` under `pattern` (`/chart/:patient?`: `:name` a required segment,
 * `:name?` an optional one, the rest literal), or undefined when it does not match.
 */
export function matchPath(pattern: string, path: string): RouteParams | undefined {
  const want = segments(pattern);
  const have = segments(path);
  if (have.length > want.length) return undefined;
  const params: RouteParams = {};
  for (const [i, part] of want.entries()) {
    const value = have[i];
    if (part.startsWith(":")) {
      const optional = part.endsWith("?");
      const name = part.slice(1, optional ? -1 : undefined);
      if (value === undefined && !optional) return undefined;
      if (value !== undefined) {
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          return undefined;
        }
      }
    } else if (value !== part) return undefined;
  }
  return params;
}

/** The path of `pattern` with `params` filled in; optional parameters without a value are left out. */
export function buildPath(pattern: string, params: RouteParams = {}): string {
  const out: string[] = [];
  for (const part of segments(pattern)) {
    if (!part.startsWith(":")) {
      out.push(part);
      continue;
    }
    const value = params[part.slice(1).replace(/\?$/, "")];
    if (value === undefined) break; // later segments would shift: stop at the first missing one
    out.push(encodeURIComponent(value));
  }
  return `/${out.join("/")}`;
}

/** The route a page is shown under: its pattern, the parameters in the URL, and navigation. */
export interface RouteState {
  pattern: string;
  params: RouteParams;
  navigate(path: string): void;
}

export const RouteContext = createContext<RouteState | undefined>(undefined);

/**
 * One parameter of the current page's route (e.g. `patient` of `/chart/:patient?`) and a setter
 * that puts it in the URL (a history entry: Back returns to the previous value).
 */
export function useRouteParam(name: string): [string | undefined, (value: string | undefined) => void] {
  const route = useContext(RouteContext);
  const value = route?.params[name];
  const set = useCallback(
    (next: string | undefined) => {
      if (!route) return;
      route.navigate(buildPath(route.pattern, { ...route.params, [name]: next }));
    },
    [route, name],
  );
  return [value, set];
}
