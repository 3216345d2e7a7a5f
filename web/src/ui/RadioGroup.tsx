import "./ui.css";
import type { ReactNode } from "react";
import {
  Label,
  Radio,
  RadioGroup as AriaRadioGroup,
  type RadioGroupProps as AriaRadioGroupProps,
} from "react-aria-components";
import { Description, FieldError } from "./Field";

export interface RadioOption<V extends string> {
  value: V;
  label: ReactNode;
}

export interface RadioGroupProps<V extends string> extends Omit<
  AriaRadioGroupProps,
  "children" | "className" | "value" | "defaultValue" | "onChange"
> {
  label: ReactNode;
  options: readonly RadioOption<V>[];
  value: V;
  onChange(value: V): void;
  /** A hint under the choices. */
  description?: ReactNode;
  /** The page's own validation: the problem in words, shown beside the choices; absent: valid. */
  errorMessage?: string;
  className?: string;
  /** @default "horizontal" */
  orientation?: "horizontal" | "vertical";
}

/**
 * One choice among a few, all in view (react-aria-components): a visible label for the group,
 * 24 px circles with 44 px high labels to tap, the arrow keys move the choice, Tab leaves the
 * group; a description and the problem beside it as in TextField.
 */
export function RadioGroup<V extends string>({
  label,
  options,
  value,
  onChange,
  description,
  errorMessage,
  className,
  orientation = "horizontal",
  isInvalid,
  ...rest
}: RadioGroupProps<V>) {
  return (
    <AriaRadioGroup
      {...rest}
      value={value}
      onChange={(picked) => onChange(picked as V)}
      orientation={orientation}
      className={["ui-radio-group", className ?? ""].filter(Boolean).join(" ")}
      isInvalid={isInvalid ?? Boolean(errorMessage)}
      validationBehavior="aria"
    >
      <Label className="ui-label">{label}</Label>
      <div className="ui-radio-options">
        {options.map((o) => (
          <Radio key={o.value} value={o.value} className="ui-radio">
            <span className="dot" aria-hidden="true" />
            <span>{o.label}</span>
          </Radio>
        ))}
      </div>
      {description ? <Description>{description}</Description> : null}
      <FieldError>{errorMessage}</FieldError>
    </AriaRadioGroup>
  );
}
