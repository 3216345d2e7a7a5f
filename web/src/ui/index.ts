/** The dApp's component set, built on react-aria-components, styled by ui.css. */
export { Button, type ButtonProps, type ButtonVariant } from "./Button";
export { Checkbox } from "./Checkbox";
export { ComboBox, ComboBoxItem, type ComboBoxItemProps, type ComboBoxProps } from "./ComboBox";
export { Details } from "./Disclosure";
export { Description, FieldError } from "./Field";
export { RadioGroup, type RadioGroupProps, type RadioOption } from "./RadioGroup";
export { SelectField } from "./SelectField";
export { StatusChip, type AppointmentStatus } from "./StatusChip";
export { TextField } from "./TextField";
