import type { ReactNode } from "react";
import "./clinical.css";

/** One column of an {@link AccessTable}: its heading, and what a row shows under it. */
export interface AccessColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
}

/**
 * An access log as a table (the patient's Activity, the doctor's audit trail): columns on a laptop;
 * on a phone each row becomes a small card of labelled lines ("Who", "Which record"...), since four
 * columns in 360 pixels wrap every word onto its own line. The roles are explicit because a table
 * laid out as blocks loses its table semantics in some browsers, and screen readers should still
 * hear a table with headed columns.
 */
export function AccessTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  /** Read to screen readers only; the section's heading names the table on screen. */
  caption: string;
  columns: AccessColumn<Row>[];
  rows: Row[];
  rowKey: (row: Row, index: number) => string;
}) {
  return (
    <div className="table-wrap">
      <table className="audit-table" role="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((column) => (
              <th key={column.header} scope="col" role="columnheader">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} role="row">
              {columns.map((column) => (
                <td key={column.header} role="cell" data-label={column.header}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
