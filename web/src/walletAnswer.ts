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
 * a request is already open in the wallet, and any other code (-32603 when it cannot reach the RPC)
 * in the wallet's own words. No cause is kept: the 4001 that wagmi puts around every failed switch
 * would make toUserMessage say the user declined.
 */
export function walletAnswer(error: unknown, ask: WalletAsk): unknown {
  const answers = answersIn(error);
  // The wallet's own answer is the innermost code: wagmi's wrappers sit outside it.
  const answer = answers.at(-1);
  if (!answer) return error;
  const details = answers.map((a) => `${a.code}: ${reason(a.message)}`).join(" <- ");
  const say = (sentence: string) => new WalletRequestError(sentence, { details });
  if (answer.code === -32002) {
    return say(
      ask.kind === "connect"
        ? `Your wallet already has a connection request open — open ${ask.walletName} to answer it.`
        : "Your wallet already has a request open — open your wallet to answer it, then choose Switch network again.",
    );
  }
  if (ask.kind === "connect") return error;
  if (answer.code === -32602) {
    return say(
      `Your wallet refused the network settings: ${reason(answer.message)}. Ask whoever runs this site to correct them.`,
    );
  }
  if (answer.code === 4001) {
    return say(
      `You kept your wallet on another network, so nothing was changed. Patient EHR runs on ${ask.chainName} (chain id ${ask.chainId}): choose Switch network when you are ready.`,
    );
  }
  return say(
    `Your wallet could not switch to ${ask.chainName}: ${reason(answer.message)}. Nothing was changed; try again later.`,
  );
}
