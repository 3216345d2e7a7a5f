import { chromium, type Browser } from "playwright-core";

/** The flags TOOLCHAIN.md names for Debian's Chromium on these machines (no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Debian's chromium (`apt-get install -y chromium`), or CHROMIUM_PATH. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}
