import { WalletRequestError } from "../../lib/errors";

/** What the dApp asked the wallet for: to connect, or to switch to (and if need be add) the network. */
export type WalletAsk =
  { kind: "connect"; walletName: string } | { kind: "switch"; chainName: string; chainId: number };

/** An EIP-1193 answer found in an error's cause chain: its code and the wallet's own words. */
interface WalletAnswerCode {
  code: number;
  message: string;
}

/**
 * The EIP-1193 codes in `error`'s cause chain, outermost first. wagmi wraps the wallet's error (the
 * injected connector turns any failure of wallet_addEthereumChain into UserRejectedRequestError,
 * code 4001, whose cause is the wallet's -32602), so the wallet's own answer is the innermost one;
 * viem keeps the wallet's message in `details` when it wraps one.
 */
function answersIn(error: unknown): WalletAnswerCode[] {
  const found: WalletAnswerCode[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const { code, details, message } = e as { code?: unknown; details?: unknown; message?: unknown };
    if (typeof code === "number") {
      const words = typeof details === "string" && details ? details : typeof message === "string" ? message : "";
      found.push({ code, message: words });
    }
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/** The wallet's reason on one line, without its closing full stop, at most 200 characters. */
function reason(message: string): string {
  const line = message.replace(/\s+/g, " ").trim().replace(/\.$/, "");
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || "no reason given";
}

/**
 * One honest sentence for a wallet's answer to `ask`, as an error for the banner; any other error is
 * returned unchanged (toUserMessage words it). MetaMask's answers (docs.metamask.io, JSON-RPC
 * errors; metamask-extension): -32602 when it refuses wallet_addEthereumChain's parameter (wagmi
 * reports it as a 4001, which read "You declined the request in your wallet"), 4001 when the user
 * keeps the wallet on its network (declining the switch, or the switch after adding), -32002 when
 * a connection request is already open in the wallet. No cause is kept: the 4001 that wagmi puts
 * around every failed switch would make toUserMessage say the user declined.
 */
export function walletAnswer(error: unknown, ask: WalletAsk): unknown {
  const answers = answersIn(error);
  const details = answers.map((a) => `${a.code}: ${reason(a.message)}`).join(" <- ");
  const refused = answers.filter((a) => a.code === -32602).at(-1);
  if (ask.kind === "switch" && refused) {
    return new WalletRequestError(
      `Your wallet refused the network settings: ${reason(refused.message)}. Ask whoever runs this site to correct them.`,
      { details },
    );
  }
  if (ask.kind === "connect" && answers.some((a) => a.code === -32002)) {
    return new WalletRequestError(
      `Your wallet already has a connection request open — open ${ask.walletName} to answer it.`,
      { details },
    );
  }
  if (ask.kind === "switch" && answers.some((a) => a.code === 4001)) {
    return new WalletRequestError(
      `You kept your wallet on another network, so nothing was changed. Patient EHR runs on ${ask.chainName} (chain id ${ask.chainId}): choose Switch network when you are ready.`,
      { details },
    );
  }
  return error;
}
