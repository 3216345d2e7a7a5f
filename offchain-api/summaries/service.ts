import type { Logger } from "pino";
import type { ApiConfig } from "../config";

/** TODO(helper C): the summary engines (clinical-sections, optional transformers.js narrative). */
export interface SummaryService {
  close(): Promise<void>;
}

export async function openSummaryService(_config: ApiConfig, _logger: Logger): Promise<SummaryService> {
  return { close: async () => undefined };
}
