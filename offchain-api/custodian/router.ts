import { Router } from "express";
import type { ApiServices } from "../services";

/** TODO: filled in by its owner. */
export function custodianRouter(_services: ApiServices): Router {
  return Router();
}
