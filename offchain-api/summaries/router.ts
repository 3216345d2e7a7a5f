import { Router } from "express";
import type { ApiServices } from "../services";

/** TODO: filled in by its owner. */
export function summariesRouter(_services: ApiServices): Router {
  return Router();
}
