import { useState } from "react";
import { useEhr } from "../ehr/useEhr";

/** Sign-In with Ethereum to the storage service: one free signature, no transaction. */
export function SignInScreen() {
  const { signIn, walletReady, showError, clearError } = useEhr();
  const [busy, setBusy] = useState(false);
  const onSignIn = async () => {
    clearError();
    setBusy(true);
    try {
      await signIn();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="signin-title">
      <h1 id="signin-title" tabIndex={-1}>
        Sign in
      </h1>
      <p>
        Sign a short message in your wallet to sign in to the storage service that keeps your encrypted files. It proves
        you hold this account; it sends no transaction and costs nothing.
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => void onSignIn()}
        disabled={busy || !walletReady}
        aria-busy={busy || !walletReady}
      >
        {busy ? "Waiting for your wallet…" : walletReady ? "Sign in with your wallet" : "Connecting to your wallet…"}
      </button>
    </section>
  );
}
