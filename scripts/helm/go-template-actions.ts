/** One `{{ … }}` action of a Go template: its body without delimiters, trim markers or comments, and its line. */
export interface TemplateAction {
  readonly body: string;
  readonly line: number;
  readonly comment: boolean;
}

/**
 * Splits a Go (Helm) template into its actions the way text/template's lexer does: quoted strings ("…", `…`, '…')
 * may hold `}}`, comments are `{{/* … *\/}}`, and `{{-` / `-}}` trim markers are dropped.
 */
export function templateActions(text: string): TemplateAction[] {
  const actions: TemplateAction[] = [];
  let i = 0;
  const lineAt = (pos: number) => text.slice(0, pos).split("\n").length;
  for (;;) {
    const start = text.indexOf("{{", i);
    if (start < 0) return actions;
    let p = start + 2;
    if (text[p] === "-" && /\s/.test(text[p + 1] ?? "")) p += 1;
    while (/\s/.test(text[p] ?? "")) p += 1;
    if (text.startsWith("/*", p)) {
      const close = text.indexOf("*/", p + 2);
      if (close < 0) throw new Error(`line ${lineAt(start)}: unclosed comment`);
      const end = text.indexOf("}}", close + 2);
      if (
        end < 0 ||
        text
          .slice(close + 2, end)
          .trim()
          .replace(/^-/, "")
          .trim() !== ""
      ) {
        throw new Error(`line ${lineAt(start)}: a comment must end its action (*/}} or */ -}})`);
      }
      actions.push({ body: text.slice(p + 2, close), line: lineAt(start), comment: true });
      i = end + 2;
      continue;
    }
    let q = p;
    let quote: string | null = null;
    for (; q < text.length; q += 1) {
      const c = text[q]!;
      if (quote !== null) {
        if (c === "\\" && quote !== "`") q += 1;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "`" || c === "'") quote = c;
      else if (text.startsWith("}}", q)) break;
    }
    if (q >= text.length) throw new Error(`line ${lineAt(start)}: unclosed action`);
    let body = text.slice(p, q).trimEnd();
    if (body.endsWith(" -") || body === "-") body = body.slice(0, -1).trimEnd();
    actions.push({ body, line: lineAt(start), comment: false });
    i = q + 2;
  }
}

const opening = new Set(["if", "range", "with", "define", "block"]);

/** The problems of block structure: every if/range/with/define/block closed by an end, else only inside one. */
export function blockProblems(actions: readonly TemplateAction[]): string[] {
  const problems: string[] = [];
  const stack: { keyword: string; line: number }[] = [];
  for (const a of actions) {
    if (a.comment) continue;
    const keyword = /^([a-z]+)\b/.exec(a.body)?.[1];
    if (keyword === undefined) continue;
    if (opening.has(keyword)) {
      if (keyword === "define" && stack.length > 0) problems.push(`line ${a.line}: define inside a block`);
      stack.push({ keyword, line: a.line });
    } else if (keyword === "else") {
      const top = stack[stack.length - 1];
      if (top === undefined || !["if", "with", "range"].includes(top.keyword)) {
        problems.push(`line ${a.line}: else outside if/with/range`);
      }
    } else if (keyword === "end") {
      if (stack.pop() === undefined) problems.push(`line ${a.line}: end without an open block`);
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: ${open.keyword} never ended`);
  return problems;
}
