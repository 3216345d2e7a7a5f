import { CategoryPicker } from "../../components/CategoryPicker";
import { formatSlot, viewerTimeZone } from "../../components/format";
import { TextField } from "../../ui/TextField";
import {
  fromLocalInput,
  localInput,
  type AccessScope,
  type AccessScopeKind,
  type AccessScopeProblem,
} from "./accessScope";
import "./sharing.css";

const DAY = 86_400;

export interface AccessScopeFieldsProps {
  kind: AccessScopeKind;
  scope: AccessScope;
  onChange(scope: AccessScope): void;
  /** Now, Unix seconds: a grant's end may not be earlier. */
  now: number;
  /** The chain's longest grant (seconds); unknown while the policy loads. */
  maxDuration?: number;
  /** The form's problem with the scope, shown beside the field it is about. */
  problem?: AccessScopeProblem;
}

/**
 * What a grant or a request covers and until when: the record categories ("All records" or chosen
 * ones, a fieldset with its legend, one tab stop per checkbox, two columns even on a phone), then
 * the end: a grant's date and minute in the viewer's own time zone (the label says which), a
 * request's number of days. Shared by Give a doctor access and Request access.
 */
export function AccessScopeFields({ kind, scope, onChange, now, maxDuration, problem }: AccessScopeFieldsProps) {
  const problemOn = (on: AccessScopeProblem["on"]) => (problem?.on === on ? problem.problem : undefined);
  const setEnd = (end: string) => onChange({ ...scope, end });
  return (
    <div className="access-scope">
      <CategoryPicker
        value={scope.categories}
        onChange={(categories) => onChange({ ...scope, categories })}
        legend={kind === "grant" ? "What they may read" : "What you ask to read"}
        errorMessage={problemOn("categories")}
      />
      {kind === "grant" ? (
        <TextField
          label={`Access ends (your time zone: ${viewerTimeZone()})`}
          // The picker writes dates as the browser's locale does (01/02/2027: January or February?);
          // the chosen end is repeated in words.
          description={
            Number.isFinite(fromLocalInput(scope.end))
              ? `Access stops ${formatSlot(fromLocalInput(scope.end))}.`
              : "The date and minute access stops, in your own time zone."
          }
          type="datetime-local"
          value={scope.end}
          min={localInput(now)}
          max={maxDuration !== undefined ? localInput(now + maxDuration) : undefined}
          onChange={setEnd}
          errorMessage={problemOn("end")}
        />
      ) : (
        <TextField
          label="For how many days"
          description="Counted from the patient's approval."
          type="number"
          inputMode="numeric"
          min={1}
          max={maxDuration !== undefined ? Math.floor(maxDuration / DAY) : undefined}
          value={scope.end}
          onChange={setEnd}
          errorMessage={problemOn("end")}
        />
      )}
    </div>
  );
}
