import "./ui.css";
import { ChevronDown } from "lucide-react";
import { useLayoutEffect, type ReactNode } from "react";
import {
  ComboBox as AriaComboBox,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Text,
  type ComboBoxProps as AriaComboBoxProps,
  type Key,
} from "react-aria-components";
import { Description, FieldError } from "./Field";

export interface ComboBoxProps<T extends object> extends Omit<
  AriaComboBoxProps<T>,
  "children" | "className" | "selectionMode"
> {
  label: ReactNode;
  /** A hint under the field. */
  description?: ReactNode;
  /** The page's own validation: the problem in words, shown beside the field; absent: valid. */
  errorMessage?: string;
  placeholder?: string;
  className?: string;
  /** One option per item: a ComboBoxItem. */
  children: (item: T) => ReactNode;
  /** What the open list says when nothing matches what was typed. */
  emptyState?: ReactNode;
}

/**
 * A text field with a list of options that narrows as one types (react-aria-components): the list
 * opens on focus, the arrow keys move through the options, Enter picks one, Escape closes the list; the list says so when
 * nothing matches (`emptyState`). Filtering is the page's when it passes `items` (the list is shown as
 * given), or react-aria's "contains" filter with `defaultItems`.
 *
 * While the list is open, react-aria (1.22.1) sets aria-hidden on everything but the field and its
 * list, so a screen reader stays in the choice; but the links it hides stay in the Tab order, which
 * axe rightly reports (aria-hidden-focus, serious), and no option of react-aria's changes it
 * (adobe/react-spectrum#4937). So, while the list is open, what it hides is also made `inert`
 * (neither focusable nor read), and given back when the list closes ({@link InertWhileShown}).
 */
export function ComboBox<T extends object>({
  label,
  description,
  errorMessage,
  placeholder,
  className,
  children,
  emptyState,
  isInvalid,
  ...rest
}: ComboBoxProps<T>) {
  return (
    <AriaComboBox
      {...rest}
      className={["ui-field ui-combobox", className ?? ""].filter(Boolean).join(" ")}
      isInvalid={isInvalid ?? Boolean(errorMessage)}
      validationBehavior="aria"
      allowsEmptyCollection={emptyState !== undefined}
    >
      <Label>{label}</Label>
      <div className="ui-combobox-control">
        <Input placeholder={placeholder} />
        {/* A sign that there is a list, not a button: focus opens it, as do typing and the Down arrow. */}
        <ChevronDown className="icon ui-combobox-chevron" aria-hidden="true" />
      </div>
      {description ? <Description>{description}</Description> : null}
      <FieldError>{errorMessage}</FieldError>
      <Popover className="ui-combobox-popover" offset={4}>
        <InertWhileShown />
        <ListBox<T>
          className="ui-combobox-list"
          renderEmptyState={() => <p className="ui-combobox-empty">{emptyState}</p>}
        >
          {children}
        </ListBox>
      </Popover>
    </AriaComboBox>
  );
}

export interface ComboBoxItemProps {
  id: Key;
  /** What the field shows once this option is picked, and what a screen reader reads. */
  textValue: string;
  children: ReactNode;
  /** A second, quieter line (an address, a detail). */
  detail?: ReactNode;
}

/** An option of a ComboBox: its main words, and a quieter second line. */
export function ComboBoxItem({ id, textValue, children, detail }: ComboBoxItemProps) {
  return (
    <ListBoxItem id={id} textValue={textValue} className="ui-combobox-item">
      <Text slot="label" className="ui-combobox-label">
        {children}
      </Text>
      {detail ? (
        <Text slot="description" className="ui-combobox-detail">
          {detail}
        </Text>
      ) : null}
    </ListBoxItem>
  );
}

/** What can take the focus (what aria-hidden must not hold). */
const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";

/**
 * Rendered inside the list's popover: while it is shown, every element react-aria hides
 * (aria-hidden="true") that is or holds something focusable is made `inert` as well, now and as the
 * page changes; when the popover goes (however the list closed), exactly those are given back (an
 * element inert for another reason stays so).
 */
function InertWhileShown(): null {
  useLayoutEffect(() => {
    const made = new Set<HTMLElement>();
    const apply = () => {
      for (const element of document.querySelectorAll('[aria-hidden="true"]')) {
        if (!(element instanceof HTMLElement) || element.inert || made.has(element)) continue;
        if (element.matches(FOCUSABLE) || element.querySelector(FOCUSABLE)) {
          element.inert = true;
          made.add(element);
        }
      }
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["aria-hidden"],
    });
    return () => {
      observer.disconnect();
      for (const element of made) element.inert = false;
    };
  }, []);
  return null;
}
