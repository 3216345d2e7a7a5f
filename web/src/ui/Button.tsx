import "./ui.css";
import type { LucideIcon } from "lucide-react";
import { LoaderCircle } from "lucide-react";
import type { ReactNode, Ref } from "react";
import { Button as AriaButton, type ButtonProps as AriaButtonProps } from "react-aria-components";

export type ButtonVariant = "primary" | "secondary" | "danger" | "quiet";

export interface ButtonProps extends Omit<AriaButtonProps, "children" | "className"> {
  /** @default "secondary" */
  variant?: ButtonVariant;
  /** A lucide icon drawn before the text (decorative: the text names the button). */
  icon?: LucideIcon;
  children: ReactNode;
  className?: string;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * The dApp's button (react-aria-components: press, keyboard and focus ring alike on every device).
 * While `isPending`, a spinner replaces the icon and the button stays focusable but does not act.
 */
export function Button({ variant = "secondary", icon: Icon, children, className, isPending, ...rest }: ButtonProps) {
  const classes = ["ui-button", variant === "secondary" ? "" : variant, className ?? ""].filter(Boolean).join(" ");
  return (
    <AriaButton {...rest} isPending={isPending} className={classes}>
      {isPending ? (
        <LoaderCircle className="icon ui-spin" aria-hidden="true" />
      ) : Icon ? (
        <Icon className="icon" aria-hidden="true" />
      ) : null}
      {children}
    </AriaButton>
  );
}
