import { Router } from "express";
import type { ApiServices } from "../services";

/** TODO: filled in by its owner. */
export function keysRouter(_services: ApiServices): Router {
  return Router();
}
