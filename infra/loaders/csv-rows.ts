/**
 * Splits CSV text into rows of trimmed fields: the delimiter (comma, semicolon or tab) is the most frequent of them
 * in the first line; surrounding double quotes are removed. Blank lines are skipped. Enough for exchange exports (no
 * quoted delimiters inside fields).
 */
export function csvRows(text: string): string[][] {
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "") ?? "";
  const delimiter = [",", ";", "\t"].reduce((best, d) =>
    first.split(d).length > first.split(best).length ? d : best,
  );
  const rows: string[][] = [];
  for (const line of lines) {
    if (line.trim() === "") continue;
    rows.push(line.split(delimiter).map(unquote));
  }
  return rows;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).trim() : f;
}
