import { type Child, h } from "../dom/h.ts";

export interface Column<T> {
  readonly title: string;
  readonly cell: (row: T) => Child;
  /** Right-aligned numbers. */
  readonly numeric?: boolean;
}

/** A plain accessible table (caption, header cells with scope); an empty list shows `empty` in one row. */
export function dataTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  opts: { caption: string; testid?: string; empty?: string; rowAttrs?: (row: T) => Record<string, string> },
): HTMLElement {
  const body = rows.length
    ? rows.map((r) =>
        h(
          "tr",
          opts.rowAttrs?.(r) ?? null,
          columns.map((c) => h("td", { class: c.numeric ? "num" : null }, c.cell(r))),
        ),
      )
    : h("tr", null, h("td", { colspan: columns.length, class: "empty" }, opts.empty ?? "None."));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { "data-testid": opts.testid ?? null },
      h("caption", { class: "visually-hidden" }, opts.caption),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.title)),
        ),
      ),
      h("tbody", null, body),
    ),
  );
}
