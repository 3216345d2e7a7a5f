import { CircleAlert, KeyRound } from "lucide-react";
import { useState, type FormEvent, type ReactNode } from "react";
import { encryptionKeyOf } from "@lib/chain/ehr";
import { EhrError, KeyUnlockError, isUserRejection } from "@lib/errors";
import { lockUserKey, restoreKeyBackup, unlockUserKey, type Eip1193Provider, type Hex, type UserKey } from "@lib/keys";
import { compressPublicKey } from "@lib/records/context";
import { useWallet, useUserKey, useErrorBanner } from "../ehr/useEhr";
import { useTaskMutation } from "../hooks/useTaskMutation";
import { loadLockedKey, saveLockedKey } from "../keys/lockedKeyStore";
import { Button } from "../ui/Button";
import { PassphraseField } from "./PassphraseField";
import { Progress } from "./Progress";

/**
 * Shows its children only while the user's key is unlocked. Otherwise: unlock with one wallet
 * signature (the locked key this browser keeps), or, in a browser without it, restore the key from
 * the backup file; either way the key must be the one registered on-chain. A restored key is then
 * locked again under the wallet's signature and kept in this browser, so the next visit needs only a
 * signature; if that fails (the user declines), it stays in this tab's memory only.
 */
const UNLOCK_STAGES = ["unlock"] as const;
const RESTORE_STAGES = ["backup", "verify", "first-signature", "second-signature", "encrypting"] as const;

/** Why a restored key could not be kept in this browser, in one sentence that says it is unlocked anyway. */
function notSaved(error: unknown): EhrError {
  // No cause for a declined signature: the banner would otherwise say "nothing was changed".
  return isUserRejection(error)
    ? new EhrError(
        "You declined the signature, so your key is unlocked in this tab only and you will need the backup file again next time.",
      )
    : new EhrError(
        "Your wallet could not lock your key for this browser, so it is unlocked in this tab only and you will need the backup file again next time.",
        { cause: error },
      );
}

export function UnlockGate({ children }: { children: ReactNode }) {
  const { walletClient, address, core, runtime, publicClient } = useWallet();
  const { userKey, setUserKey, lastLock } = useUserKey();
  const { showError } = useErrorBanner();
  const task = useTaskMutation();
  const [file, setFile] = useState<File | undefined>();
  const [passphrase, setPassphrase] = useState("");
  // Said beside the file input, before the wallet or the passphrase is asked anything.
  const [fileProblem, setFileProblem] = useState<string>();
  if (userKey) return <>{children}</>;
  const locked = address ? loadLockedKey(runtime.chainId, core, address) : undefined;

  /** The account's key registered on-chain (patients and doctors alike: KeyDirectory.encryptionKeyOf), compressed. */
  const checkRegistered = async (key: UserKey): Promise<Hex> => {
    const onChain = await encryptionKeyOf(publicClient, core, address!);
    if (!onChain || onChain.toLowerCase() !== compressPublicKey(key.publicKey)) {
      throw new KeyUnlockError(
        "This key is not the one registered for your account; use the backup file made when you set up your key.",
      );
    }
    return onChain;
  };

  const onUnlock = () =>
    task.run(async (report) => {
      report("unlock");
      const key = await unlockUserKey(walletClient as unknown as Eip1193Provider, locked!);
      await checkRegistered(key);
      setUserKey(key);
    });

  const onRestore = (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setFileProblem("Choose your key backup file first.");
      document.getElementById("backup-file")?.focus();
      return;
    }
    setFileProblem(undefined);
    void task.run(async (report) => {
      report("backup");
      const { key } = await restoreKeyBackup(new Uint8Array(await file.arrayBuffer()), passphrase);
      report("verify");
      const registered = await checkRegistered(key);
      setPassphrase("");
      try {
        const ctx = { chainId: runtime.chainId, contract: core, address: address!, domain: window.location.hostname };
        const relocked = await lockUserKey(walletClient as unknown as Eip1193Provider, key, ctx, {
          expectedPublicKey: registered,
          onProgress: report,
        });
        saveLockedKey(relocked);
      } catch (error) {
        // The key is restored and checked: losing it now would only make the user type the passphrase again.
        showError(notSaved(error));
      }
      setUserKey(key);
    });
  };

  return (
    <section className="card" aria-labelledby="unlock-title">
      <h2 id="unlock-title">Your encryption key is locked</h2>
      {lastLock === "idle" ? <p role="status">It was locked after a period without activity.</p> : null}
      {locked ? (
        <>
          <p>Sign the key message in your wallet to unlock it (free, no transaction).</p>
          <Button variant="primary" icon={KeyRound} onPress={() => void onUnlock()} isPending={task.busy}>
            {task.busy ? "Waiting for your wallet…" : "Unlock my key"}
          </Button>
        </>
      ) : (
        <form onSubmit={onRestore} noValidate>
          <p>
            This browser holds no copy of your key. Restore it from your key backup file, then sign the key message
            twice in your wallet (free, no transaction) so that this browser can unlock it with a signature next time.
          </p>
          <div className="ui-field">
            <label htmlFor="backup-file">Key backup file</label>
            <input
              id="backup-file"
              type="file"
              accept="application/json,.json"
              aria-invalid={fileProblem ? true : undefined}
              aria-describedby={fileProblem ? "backup-file-error" : undefined}
              onChange={(e) => {
                setFile(e.target.files?.[0]);
                setFileProblem(undefined);
              }}
            />
            {fileProblem ? (
              <p id="backup-file-error" className="ui-field-error">
                <CircleAlert className="icon" aria-hidden="true" />
                <span role="alert">{fileProblem}</span>
              </p>
            ) : null}
          </div>
          <PassphraseField
            id="backup-passphrase"
            label="Backup passphrase"
            autoComplete="current-password"
            value={passphrase}
            onChange={setPassphrase}
          />
          <Button type="submit" variant="primary" icon={KeyRound} isPending={task.busy}>
            {task.busy ? "Restoring…" : "Restore my key"}
          </Button>
        </form>
      )}
      {task.busy ? (
        <Progress title="Unlocking" stages={locked ? UNLOCK_STAGES : RESTORE_STAGES} current={task.stage} />
      ) : null}
    </section>
  );
}
