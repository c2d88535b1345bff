// Formatting money, dates and numbers for people.
//
// Money arrives as a Decimal string ("150000.00") and is handled as text or as whole
// fen in a BigInt: never through floating point, so sums and limits stay exact.

const FULL_WIDTH_DIGITS = /[０-９．，]/g;

/** "150000.5" → 15000050n (fen). Throws on anything that is not an amount. */
export function toFen(decimal) {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(decimal).trim());
  if (!match) throw new RangeError(`not an amount: ${decimal}`);
  const [, sign, whole, cents = ""] = match;
  const fen = BigInt(whole) * 100n + BigInt(cents.padEnd(2, "0"));
  return sign ? -fen : fen;
}

/** 15000050n → "150000.50" */
export function fromFen(fen) {
  const sign = fen < 0n ? "-" : "";
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "1234567.80" → "¥1,234,567.80"; missing values show as a dash. */
export function yuan(decimal) {
  if (decimal === null || decimal === undefined || decimal === "") return "—";
  const text = fromFen(toFen(decimal));
  const negative = text.startsWith("-");
  const [whole, cents] = text.replace("-", "").split(".");
  return `${negative ? "-" : ""}¥${groupThousands(whole)}.${cents}`;
}

/** "1234567.80" → "123.46" (万元, rounded half up), for compact figures. */
export function wan(decimal) {
  const fen = toFen(decimal);
  const abs = fen < 0n ? -fen : fen;
  // 1 万元 = 1,000,000 fen; keep two decimals of 万 → divide by 10,000 fen, rounding.
  const hundredths = (abs + 5000n) / 10000n;
  const text = `${groupThousands(String(hundredths / 100n))}.${String(hundredths % 100n).padStart(2, "0")}`;
  return fen < 0n ? `-${text}` : text;
}

/** Exact sum of Decimal strings, as a Decimal string. */
export function sumDecimals(values) {
  return fromFen(values.reduce((total, value) => total + toFen(value), 0n));
}

/** The most a management fee may be: a tenth of the amount, rounded down to the fen. */
export function tenthOf(decimal) {
  return fromFen(toFen(decimal) / 10n);
}

/** Whether a ≤ b for Decimal strings. */
export function notMore(a, b) {
  return toFen(a) <= toFen(b);
}

/**
 * What a person typed into a money field, as a Decimal string for the API, or null
 * when it is not an amount. Accepts "¥1,234.5", full-width digits and spaces.
 */
export function parseMoney(input) {
  const text = String(input ?? "")
    .replace(FULL_WIDTH_DIGITS, (c) => ({ "．": ".", "，": "," })[c] ?? String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[¥￥,\s]/g, "")
    .replace(/元$/, "");
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(text)) return null;
  return fromFen(toFen(text));
}

/** A whole number typed by a person, or null. */
export function parseCount(input) {
  const text = String(input ?? "").trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return /^\d{1,6}$/.test(text) ? Number(text) : null;
}

const CITY_TIME = "Asia/Shanghai";

function parts(iso, withTime) {
  const options = { timeZone: CITY_TIME, year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23" };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
  const values = {};
  for (const part of new Intl.DateTimeFormat("en-GB", options).formatToParts(new Date(iso))) {
    values[part.type] = part.value;
  }
  return values;
}

/** "2026-11-23T10:21:35+08:00" → "2026-11-23 10:21" (city time). */
export function dateTime(iso) {
  if (!iso) return "—";
  const p = parts(iso, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-11-23T10:21:35+08:00" → "2026-11-23" (city time); plain dates pass through. */
export function date(iso) {
  if (!iso) return "—";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const p = parts(iso, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 0.4 → "40%" */
export function percent(share) {
  return `${Math.round(share * 1000) / 10}%`;
}

/** A score to one decimal place, or a dash. */
export function score(value) {
  return value === null || value === undefined ? "—" : (Math.round(value * 10) / 10).toFixed(1);
}

/** 12345 → "12,345" */
export function count(value) {
  return groupThousands(String(value ?? 0));
}
