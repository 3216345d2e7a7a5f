import { Download, KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import type { Hex } from "viem";
import {
  createKeyBackup,
  createUserKey,
  keyBackupHash,
  MIN_PASSPHRASE_LENGTH,
  type Eip1193Provider,
  type UserKey,
} from "@lib/keys";
import { ChainError } from "@lib/errors";
import { nextPaint } from "../../components/nextPaint";
import { PassphraseField } from "../../components/PassphraseField";
import { Button } from "../../ui/Button";
import { Progress } from "../../components/Progress";
import type { TaskStage } from "../../components/stages";
import { useWallet, useApiSession, useUserKey } from "../../ehr/useEhr";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { downloadFile } from "../../keys/downloadFile";
import { saveLockedKey } from "../../keys/lockedKeyStore";

const STAGES: readonly TaskStage[] = [
  "first-signature",
  "second-signature",
  "encrypting",
  "backup",
  "backup-upload",
  "awaiting-signature",
  "pending",
  "confirmed",
];

export interface KeySetupProps {
  /** Heading of the progress list, e.g. "Registering you as a patient". */
  progressTitle: string;
  /** Submit button text. */
  action: string;
  /** Registers the public key and the backup's hash on-chain (registerPatient / setEncryptionKey). */
  register(publicKey: Hex, backupHash: Hex, report: (stage: TaskStage) => void): Promise<unknown>;
  onDone(): void | Promise<void>;
}

/**
 * Sets up the user's encryption key: two wallet signatures lock a fresh key (lib/keys
 * createUserKey), a passphrase locks a backup file (createKeyBackup) that the service stores and
 * the user downloads, and the chain records the public key with the backup's hash. The locked key
 * is kept in this browser only once the chain has confirmed; before that, a failure at any step
 * leaves nothing behind but, at most, an unreferenced encrypted backup.
 */
export function KeySetup({ progressTitle, action, register, onDone }: KeySetupProps) {
  const { walletClient, address, core, runtime, refreshRole } = useWallet();
  const { api } = useApiSession();
  const { setUserKey } = useUserKey();
  const task = useTaskMutation();
  const [passphrase, setPassphrase] = useState("");
  const [confirm, setConfirm] = useState("");
  const [fieldError, setFieldError] = useState<{ on: "passphrase" | "confirm"; problem: string } | undefined>();
  const [backup, setBackup] = useState<Uint8Array | undefined>();
  const fileName = `patient-ehr-key-backup-${address?.slice(2, 10).toLowerCase()}.json`;

  /** Refuses the form: the problem beside its field, which takes the focus; the wallet is not asked. */
  const refuse = (on: "passphrase" | "confirm", problem: string) => {
    setFieldError({ on, problem });
    document.getElementById(on === "passphrase" ? "passphrase" : "passphrase-confirm")?.focus();
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if ([...passphrase.normalize("NFKC")].length < MIN_PASSPHRASE_LENGTH)
      return refuse("passphrase", `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    if (passphrase !== confirm) return refuse("confirm", "The two passphrases are not the same.");
    setFieldError(undefined);
    const result = await task.run(async (report) => {
      if (!walletClient || !address) throw new ChainError("Connect your wallet on the right network first.");
      const ctx = { chainId: runtime.chainId, contract: core, address, domain: window.location.hostname };
      // Each step is painted before it starts: scrypt below holds the main thread for a second.
      const step = (stage: TaskStage) => {
        report(stage);
        return nextPaint();
      };
      const { key, locked } = await createUserKey(walletClient as unknown as Eip1193Provider, ctx, {
        onProgress: step,
      });
      await step("backup");
      const meta = { address, chainId: runtime.chainId, contract: core, createdAt: new Date().toISOString() };
      const file = await createKeyBackup(key, passphrase, meta);
      const hash = await keyBackupHash(file);
      report("backup-upload");
      await api.blobStore().put(file, hash);
      await register(key.publicKey, hash, report);
      saveLockedKey(locked);
      // The receipt may have changed the account's role (a new patient): the header and the pages
      // follow the chain from the next screen on, not from the one after it.
      await refreshRole();
      return { key, file };
    });
    if (!result) return;
    setPassphrase("");
    setConfirm("");
    setBackup(result.file);
    downloadFile(result.file, fileName, "application/json");
    setUserKey(result.key as UserKey);
  };

  if (backup) {
    return (
      <section className="card" aria-labelledby="key-done">
        <h2 id="key-done">Your encryption key is ready</h2>
        <p>
          Your browser has downloaded your key backup file ({fileName}). Keep it somewhere safe, away from this device:
          with its passphrase it is the only way to recover your records if you lose this browser.
        </p>
        <div className="actions">
          <Button icon={Download} onPress={() => downloadFile(backup, fileName, "application/json")}>
            Download the backup file again
          </Button>
          <Button variant="primary" onPress={() => void onDone()}>
            Continue
          </Button>
        </div>
      </section>
    );
  }

  return (
    <>
      <form className="card" onSubmit={(e) => void onSubmit(e)} aria-describedby="key-intro" noValidate>
        <p id="key-intro">
          Your records are encrypted with a key that only you hold. Your wallet will ask you to sign the same message
          twice (free, no transaction): the signature locks the key in this browser. Then choose a passphrase for a
          backup file that lets you recover the key on another device.
        </p>
        <PassphraseField
          id="passphrase"
          label={`Backup passphrase (at least ${MIN_PASSPHRASE_LENGTH} characters)`}
          autoComplete="new-password"
          value={passphrase}
          onChange={setPassphrase}
          errorMessage={fieldError?.on === "passphrase" ? fieldError.problem : undefined}
          required
        />
        <PassphraseField
          id="passphrase-confirm"
          label="Repeat the passphrase"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
          errorMessage={fieldError?.on === "confirm" ? fieldError.problem : undefined}
          required
        />
        <Button type="submit" variant="primary" icon={KeyRound} isPending={task.busy}>
          {task.busy ? "Working…" : action}
        </Button>
      </form>
      {task.busy || task.stage ? (
        <Progress title={progressTitle} stages={STAGES} current={task.stage} done={task.done} failed={task.failed} />
      ) : null}
    </>
  );
}
