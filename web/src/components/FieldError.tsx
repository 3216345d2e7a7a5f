import type { HTMLAttributes } from "react";

/**
 * A field's problem in words, announced as it appears (role="alert"); nothing while there is none.
 * Give it the `id` the field names in `aria-describedby`.
 */
export function FieldError({ children, ...rest }: HTMLAttributes<HTMLParagraphElement>) {
  if (!children) return null;
  return (
    <p className="field-error" role="alert" {...rest}>
      {children}
    </p>
  );
}
