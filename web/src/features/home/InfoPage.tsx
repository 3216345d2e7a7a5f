/** A role with nothing to do in the dApp (admin, hospital, suspended, pending): what to do instead. */
export function InfoPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <div className="card">{children}</div>
    </>
  );
}
