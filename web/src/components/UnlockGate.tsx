import { useState, type FormEvent, type ReactNode } from "react";
import { encryptionKeyOf } from "@lib/chain/ehr";
import { KeyUnlockError } from "@lib/errors";
import { restoreKeyBackup, unlockUserKey, type Eip1193Provider, type UserKey } from "@lib/keys";
import { compressPublicKey } from "@lib/records/context";
import { useEhr } from "../ehr/useEhr";
import { useTask } from "../hooks/useTask";
import { loadLockedKey } from "../keys/lockedKeyStore";
import { Progress } from "./Progress";

/**
 * Shows its children only while the user's key is unlocked. Otherwise: unlock with one wallet
 * signature (the locked key this browser keeps), or, in a browser without it, restore the key from
 * the backup file; either way the key must be the one registered on-chain.
 */
export function UnlockGate({ children }: { children: ReactNode }) {
  const { userKey, setUserKey, walletClient, address, core, runtime, publicClient, lastLock } = useEhr();
  const task = useTask();
  const [file, setFile] = useState<File | undefined>();
  const [passphrase, setPassphrase] = useState("");
  if (userKey) return <>{children}</>;
  const locked = address ? loadLockedKey(runtime.chainId, core, address) : undefined;

  const checkRegistered = async (key: UserKey) => {
    const onChain = await encryptionKeyOf(publicClient, core, address!);
    if (!onChain || onChain.toLowerCase() !== compressPublicKey(key.publicKey)) {
      throw new KeyUnlockError(
        "This key is not the one registered for your account; use the backup file made when you set up your key.",
      );
    }
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
    void task.run(async (report) => {
      if (!file) throw new KeyUnlockError("Choose your key backup file first.");
      report("backup");
      const { key } = await restoreKeyBackup(new Uint8Array(await file.arrayBuffer()), passphrase);
      await checkRegistered(key);
      setPassphrase("");
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
          <button type="button" className="primary" onClick={() => void onUnlock()} disabled={task.busy}>
            {task.busy ? "Waiting for your wallet…" : "Unlock my key"}
          </button>
        </>
      ) : (
        <form onSubmit={onRestore} noValidate>
          <p>
            This browser holds no copy of your key. Restore it from your key backup file; it stays in this tab&apos;s
            memory until you lock or leave.
          </p>
          <label htmlFor="backup-file">Key backup file</label>
          <input
            id="backup-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) => setFile(e.target.files?.[0])}
          />
          <label htmlFor="backup-passphrase">Backup passphrase</label>
          <input
            id="backup-passphrase"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          <button type="submit" className="primary" disabled={task.busy}>
            {task.busy ? "Restoring…" : "Restore my key"}
          </button>
        </form>
      )}
      {task.busy ? <Progress title="Unlocking" stages={locked ? ["unlock"] : ["backup"]} current={task.stage} /> : null}
    </section>
  );
}
