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

/** The rows as CSV text (RFC 4180): every field quoted, quotes doubled. */
export function toCsv(rows) {
  return rows.map((row) => row.map((cell) => `"${String(cell ?? "").replace(/"/g, '""')}"`).join(",")).join("\r\n");
}

// The template's columns and the other names people give them. The server reads the
// headers (api/spreadsheets/headers.py) and decides; this copy only labels the preview
// and marks the cell a server message is about.
export const TEMPLATE_COLUMNS = {
  项目编号: ["编号", "项目代码", "项目编码", "code"],
  项目名称: ["名称", "title"],
  项目简介: ["简介", "项目内容", "服务内容", "项目概述", "description"],
  服务类别: ["类别", "项目类别", "服务领域", "serviceclass"],
  项目类型: ["类型", "projecttype"],
  采购方式: ["承接方式", "认领方式", "procurement"],
  "预算（元）": ["预算", "项目预算", "预算金额", "预算资金", "金额", "budget"],
  最少持证社工: ["持证社工", "社工人数", "最少社工人数", "所需社工人数", "minsocialworkers"],
  "服务周期（月）": ["服务周期", "周期", "服务期限", "serviceperiodmonths"],
  服务对象: ["受益对象", "beneficiaries"],
  重点扶持: ["是否重点扶持", "重点扶持项目", "keysupport"],
  发布单位: ["发布单位名称", "申报单位", "publisher"],
  实施区: ["所在区", "实施地区", "区", "district"],
  实施社区: ["社区", "实施地社区", "community"],
  目录编码: ["服务目录编码", "目录代码", "服务项目编码", "catalogitem"],
  "社区/街道意见": ["社区意见", "街道意见", "社区街道意见", "实施地意见", "意见", "communityopinion"],
  市级资金: ["市级", "cityfunding"],
  区级资金: ["区级", "districtfunding"],
  受益人数: ["服务人数", "beneficiarycount"],
  资质要求: ["承接资质", "qualifications"],
};

const UNITS = /[（(【[](万元|元|月|个月|人|名|个)[）)】\]]/g;

function headerCore(text) {
  return String(text ?? "")
    .replace(/[\s*＊:：]/g, "")
    .replace(UNITS, "")
    .replace(/[（(【[]([^）)】\]]*)[）)】\]]/g, "$1")
    .replace(/／/g, "/")
    .toLowerCase();
}

const BY_CORE = new Map(
  Object.entries(TEMPLATE_COLUMNS).flatMap(([column, aliases]) => [column, ...aliases].map((name) => [headerCore(name), column])),
);

/** The template column a header names, matched whole (社区/街道意见 is not 社区), or undefined. */
export function templateColumn(header) {
  return BY_CORE.get(headerCore(header));
}
