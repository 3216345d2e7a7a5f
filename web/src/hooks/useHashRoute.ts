import { useCallback, useEffect, useState } from "react";

function current(): string {
  // A query after the path (`#/emergency-access?patient=…`) is the page's to read, not part of its path.
  const path = window.location.hash.replace(/^#/, "").split("?")[0];
  return path.startsWith("/") ? path : "/";
}

/**
 * The page path from the URL's hash (`#/records`): links work without a server that knows the
 * app's routes, and the browser's back button works.
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
