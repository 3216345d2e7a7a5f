import "./ui.css";
import type { ReactNode, Ref } from "react";
import {
  Input,
  Label,
  TextArea,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
} from "react-aria-components";
import { Description, FieldError } from "./Field";

export interface TextFieldProps extends Omit<AriaTextFieldProps, "children" | "className"> {
  label: ReactNode;
  /** A hint under the label. */
  description?: ReactNode;
  /** The page's own validation: the problem in words, shown beside the field; absent: valid. */
  errorMessage?: string;
  /** A multi-line field (textarea) with this many rows. */
  rows?: number;
  placeholder?: string;
  inputMode?: "text" | "decimal" | "numeric" | "email" | "search" | "tel" | "url" | "none";
  maxLength?: number;
  className?: string;
  list?: string;
  /** For date and number inputs. */
  min?: string | number;
  max?: string | number;
  inputRef?: Ref<HTMLInputElement>;
}

/**
 * A labelled text input (or textarea) with its description and its problem beside it
 * (react-aria-components: label, aria-describedby and aria-invalid wired for us). Validation is the
 * page's: pass `errorMessage` while there is a problem (or `isInvalid` when it is said elsewhere).
 * Native validation does not block the form.
 */
export function TextField({
  label,
  description,
  errorMessage,
  rows,
  placeholder,
  inputMode,
  maxLength,
  className,
  list,
  min,
  max,
  inputRef,
  isInvalid,
  ...rest
}: TextFieldProps) {
  return (
    <AriaTextField
      {...rest}
      className={["ui-field", className ?? ""].filter(Boolean).join(" ")}
      isInvalid={isInvalid ?? Boolean(errorMessage)}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      {rows ? (
        <TextArea rows={rows} placeholder={placeholder} maxLength={maxLength} />
      ) : (
        <Input
          ref={inputRef}
          placeholder={placeholder}
          inputMode={inputMode}
          maxLength={maxLength}
          list={list}
          min={min}
          max={max}
        />
      )}
      {description ? <Description>{description}</Description> : null}
      <FieldError>{errorMessage}</FieldError>
    </AriaTextField>
  );
}
