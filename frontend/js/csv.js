// Reading a table pasted from a spreadsheet: tab-separated (Excel, WPS) or comma-separated
// with "quoted, fields". Returns rows of trimmed strings; blank lines are skipped.

export function parseTable(text) {
  const source = String(text ?? "").replace(/\r\n?/g, "\n");
  const firstLine = source.split("\n", 1)[0];
  const separator = firstLine.includes("\t") ? "\t" : firstLine.includes("，") && !firstLine.includes(",") ? "，" : ",";
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (char === separator) {
      row.push(field.trim());
      field = "";
    } else if (char === "\n") {
      row.push(field.trim());
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += char;
    }
  }
  row.push(field.trim());
  rows.push(row);
  return rows.filter((r) => r.some((cell) => cell !== ""));
}
