import "./ui.css";
import { Check } from "lucide-react";
import type { ReactNode } from "react";
import { Checkbox as AriaCheckbox, type CheckboxProps as AriaCheckboxProps } from "react-aria-components";

export interface CheckboxProps extends Omit<AriaCheckboxProps, "children" | "className"> {
  children: ReactNode;
  className?: string;
}

/** A checkbox with a 24 px box and a 44 px high label to tap (react-aria-components). */
export function Checkbox({ children, className, ...rest }: CheckboxProps) {
  return (
    <AriaCheckbox {...rest} className={["ui-checkbox", className ?? ""].filter(Boolean).join(" ")}>
      <span className="box" aria-hidden="true">
        <Check className="icon" strokeWidth={3} />
      </span>
      <span>{children}</span>
    </AriaCheckbox>
  );
}
