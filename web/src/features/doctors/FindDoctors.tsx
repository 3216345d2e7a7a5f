import { useId, useMemo, useState } from "react";
import { SPECIALTY_LABELS, specialtyLabel } from "@lib/specialties";
import { useDoctors, type DirectoryDoctor } from "../../hooks/useDoctors";
import { DoctorWeek } from "./components/DoctorWeek";
import "../../components/care.css";

/** The patient's doctor directory: search by name, specialty or hospital; open a week to book. */
export function FindDoctors() {
  const doctors = useDoctors();
  const id = useId();
  const [name, setName] = useState("");
  const [specialty, setSpecialty] = useState("");
  const [hospital, setHospital] = useState("");
  const [selected, setSelected] = useState<DirectoryDoctor | undefined>();

  const all = useMemo(() => doctors.data ?? [], [doctors.data]);
  const hospitals = useMemo(() => [...new Map(all.map((d) => [d.hospitalId, d.hospitalName]))], [all]);
  const specialties = useMemo(() => [...new Set(all.map((d) => d.specialty))].sort((a, b) => a - b), [all]);
  const needle = name.trim().toLowerCase();
  const shown = all.filter(
    (d) =>
      (needle === "" || d.name.toLowerCase().includes(needle)) &&
      (specialty === "" || d.specialty === Number(specialty)) &&
      (hospital === "" || d.hospitalId === Number(hospital)),
  );

  return (
    <>
      <h1 tabIndex={-1}>Find a doctor</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} type="search" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label htmlFor={`${id}-specialty`}>Specialty</label>
          <select id={`${id}-specialty`} value={specialty} onChange={(e) => setSpecialty(e.target.value)}>
            <option value="">Any specialty</option>
            {specialties.map((s) => (
              <option key={s} value={s}>
                {SPECIALTY_LABELS[s] ?? specialtyLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-hospital`}>Hospital</label>
          <select id={`${id}-hospital`} value={hospital} onChange={(e) => setHospital(e.target.value)}>
            <option value="">Any hospital</option>
            {hospitals.map(([hid, hname]) => (
              <option key={hid} value={hid}>
                {hname}
              </option>
            ))}
          </select>
        </div>
      </form>
      {doctors.isPending ? (
        <p role="status">Reading the doctors from the chain…</p>
      ) : doctors.isError ? (
        <p role="alert">The doctors could not be read from the chain. Try again in a moment.</p>
      ) : (
        <>
          <p role="status">
            {shown.length} of {all.length} doctors
          </p>
          <ul className="care-list" aria-label="Doctors">
            {shown.map((d) => (
              <li key={d.account}>
                <h2>{d.name}</h2>
                <p>
                  {specialtyLabel(d.specialty)} · {d.hospitalName}
                  {d.active ? "" : " · not taking appointments"}
                </p>
                <button
                  type="button"
                  aria-pressed={selected?.account === d.account}
                  aria-label={`See ${d.name}'s schedule`}
                  onClick={() => setSelected(d)}
                >
                  See schedule
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {selected ? <DoctorWeek key={selected.account} doctor={selected} /> : null}
    </>
  );
}
