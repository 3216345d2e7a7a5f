import { useId, type ReactNode } from "react";

/**
 * One card of a home page: a heading, what is there, and the next step as a link to the page that
 * deals with it. `urgent` cards (an open emergency window) stand out and are read first.
 */
export function HomeCard({
  title,
  urgent = false,
  link,
  testId,
  children,
}: {
  title: string;
  /** @default false */
  urgent?: boolean;
  /** The page that deals with it: its hash path and the words of the link. */
  link?: { to: string; label: string };
  testId?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      className={urgent ? "card home-card home-card-urgent" : "card home-card"}
      aria-labelledby={id}
      data-testid={testId}
    >
      <h2 id={id}>{title}</h2>
      {children}
      {link ? (
        <p className="home-next">
          <a href={`#${link.to}`}>{link.label} →</a>
        </p>
      ) : null}
    </section>
  );
}
