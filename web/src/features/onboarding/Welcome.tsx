/** The home of an account the chain does not know yet. */
export function Welcome({ onRegister }: { onRegister(): void }) {
  return (
    <>
      <h1 tabIndex={-1}>Welcome to Patient EHR</h1>
      <section className="card" aria-labelledby="patient-start">
        <h2 id="patient-start">Patients</h2>
        <p>
          Keep your health record in one place that you control: you decide which doctor sees what, for how long, and
          you see every access.
        </p>
        <button type="button" className="primary" onClick={onRegister}>
          Register as a patient
        </button>
      </section>
      <section className="card" aria-labelledby="doctor-start">
        <h2 id="doctor-start">Doctors</h2>
        <p>
          Doctors are onboarded by the system&apos;s administrator. Once your account is onboarded, reconnect with it to
          set up your key.
        </p>
      </section>
    </>
  );
}
