import type { Request, RequestHandler, Response } from "express";
import { roleOf, type AccountRole } from "../../lib/chain/ehr";
import type { ApiServices } from "../services";
import { forbidden } from "../http/errors";
import type { Session } from "./service";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      session?: Session;
      role?: AccountRole;
    }
  }
}

/** The bearer token of `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/** What verifying a request's token gave, kept for the rest of that request. */
const verified = new WeakMap<object, { session: Session } | { error: unknown }>();

/**
 * The session of `req`'s bearer token, or the 401 it earns: verified once per request (the rate
 * limiters and `requireSession` all ask), not once per asker.
 */
export function sessionOfRequest(
  services: Pick<ApiServices, "sessions">,
  req: Pick<Request, "headers"> & object,
): Session {
  let outcome = verified.get(req);
  if (!outcome) {
    try {
      outcome = { session: services.sessions.verify(bearer(req.headers.authorization)) };
    } catch (error) {
      outcome = { error };
    }
    verified.set(req, outcome);
  }
  if ("error" in outcome) throw outcome.error;
  return outcome.session;
}

/** 401 unless the request carries a valid session; puts it on `res.locals.session`. */
export function requireSession(services: Pick<ApiServices, "sessions">): RequestHandler {
  return (req, res, next) => {
    res.locals.session = sessionOfRequest(services, req);
    next();
  };
}

/** The signed-in session (after `requireSession`). */
export function sessionOf(res: Response): Session {
  const session = res.locals.session;
  if (!session) throw new Error("requireSession must run before this handler.");
  return session;
}

const ROLE_NAMES: Record<AccountRole, string> = {
  admin: "an admin",
  hospital: "a hospital",
  doctor: "an active doctor",
  suspended: "a suspended doctor",
  patient: "a registered patient",
  "pending-patient": "a patient awaiting approval",
  none: "not registered",
};

/**
 * 403 unless the session's address has one of `roles` on the chain now (read on every request, so a
 * suspension or a new registration counts at once); puts it on `res.locals.role`.
 */
export function requireRole(
  services: Pick<ApiServices, "publicClient" | "core">,
  ...roles: AccountRole[]
): RequestHandler {
  return async (_req, res, next) => {
    const role = await roleOf(services.publicClient, services.core, sessionOf(res).address);
    res.locals.role = role;
    if (role === "suspended" && !roles.includes("suspended")) {
      throw forbidden("Your doctor account is suspended: ask your hospital.");
    }
    if (!roles.includes(role)) {
      throw forbidden(
        `This needs ${roles.map((r) => ROLE_NAMES[r]).join(" or ")}; your account is ${ROLE_NAMES[role]}.`,
      );
    }
    next();
  };
}
