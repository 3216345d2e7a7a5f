/** The dApp's component set, built on react-aria-components, styled by ui.css. */
export { Button, type ButtonProps, type ButtonVariant } from "./Button";
export { Checkbox } from "./Checkbox";
export { Details } from "./Disclosure";
export { Description, FieldError } from "./Field";
export { SelectField } from "./SelectField";
export { StatusChip, type AppointmentStatus } from "./StatusChip";
export { TextField } from "./TextField";
