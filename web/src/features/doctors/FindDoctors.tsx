import { CalendarDays } from "lucide-react";
import { useMemo, useState } from "react";
import { SPECIALTY_LABELS, specialtyLabel } from "@lib/specialties";
import { useDoctors, type DirectoryDoctor } from "../../hooks/useDoctors";
import { DoctorWeek } from "./components/DoctorWeek";
import { Button } from "../../ui/Button";
import { SelectField } from "../../ui/SelectField";
import { TextField } from "../../ui/TextField";
import "../../components/care.css";

/** The patient's doctor directory: search by name, specialty or hospital; open a week to book. */
export function FindDoctors() {
  const doctors = useDoctors();
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
        <TextField label="Name" type="search" value={name} onChange={setName} />
        <SelectField label="Specialty" value={specialty} onChange={(e) => setSpecialty(e.target.value)}>
          <option value="">Any specialty</option>
          {specialties.map((s) => (
            <option key={s} value={s}>
              {SPECIALTY_LABELS[s] ?? specialtyLabel(s)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Hospital" value={hospital} onChange={(e) => setHospital(e.target.value)}>
          <option value="">Any hospital</option>
          {hospitals.map(([hid, hname]) => (
            <option key={hid} value={hid}>
              {hname}
            </option>
          ))}
        </SelectField>
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
                <Button
                  icon={CalendarDays}
                  aria-pressed={selected?.account === d.account}
                  aria-label={`See ${d.name}'s schedule`}
                  onPress={() => setSelected(d)}
                >
                  See schedule
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
      {selected ? <DoctorWeek key={selected.account} doctor={selected} /> : null}
    </>
  );
}
