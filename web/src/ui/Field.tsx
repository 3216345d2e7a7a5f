import "./ui.css";
import { CircleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { FieldError as AriaFieldError, Text } from "react-aria-components";

/** A field's hint under its label (react-aria ties it to the control with aria-describedby). */
export function Description({ children }: { children: ReactNode }) {
  return (
    <Text slot="description" className="ui-description">
      {children}
    </Text>
  );
}

/**
 * A field's problem, right beside the control: shown while the field is invalid, tied to it by
 * aria-describedby, announced as it appears (role="alert"), with an icon so colour is not the only
 * sign. Inside a react-aria field only.
 */
export function FieldError({ children }: { children?: ReactNode }) {
  return (
    <AriaFieldError className="ui-field-error">
      <CircleAlert className="icon" aria-hidden="true" />
      <span role="alert">{children}</span>
    </AriaFieldError>
  );
}
