import "./ui.css";
import { ChevronRight } from "lucide-react";
import type { ReactNode } from "react";
import { Button, Disclosure as AriaDisclosure, DisclosurePanel } from "react-aria-components";

/**
 * "Technical details": what most people need not read (addresses, block numbers, transaction hashes) behind a
 * button that says whether it is open (react-aria-components Disclosure, aria-expanded).
 */
export function Details({ children, label = "Technical details" }: { children: ReactNode; label?: string }) {
  return (
    <AriaDisclosure className="ui-disclosure">
      <Button slot="trigger" className="ui-disclosure-trigger">
        <ChevronRight className="icon" aria-hidden="true" />
        {label}
      </Button>
      <DisclosurePanel className="ui-disclosure-panel">{children}</DisclosurePanel>
    </AriaDisclosure>
  );
}
