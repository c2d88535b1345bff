// Chinese first, English on request. Every label goes through t(key, params).
import { ref, watchEffect } from "vue";
import { MESSAGES } from "./messages.js";

const STORAGE_KEY = "sheqia.lang";

function storedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh"; // storage may be unavailable (private mode); Chinese is the default
  }
}

/** The current language: "zh" or "en". Reactive: templates re-render when it changes. */
export const lang = ref(storedLanguage());

export function setLanguage(value) {
  lang.value = value === "en" ? "en" : "zh";
  try {
    localStorage.setItem(STORAGE_KEY, lang.value);
  } catch {
    // not remembered, still switched
  }
}

watchEffect(() => {
  document.documentElement.lang = lang.value === "en" ? "en" : "zh-CN";
});

/**
 * The label for `key` in the current language, with {name} placeholders filled.
 * An unknown key shows as itself, so a missing label is visible but never breaks a page.
 */
export function t(key, params = {}) {
  const entry = MESSAGES[key];
  const text = entry ? entry[lang.value === "en" ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The label of an enum value, e.g. label("status", "PUBLISHED") → "开放认领". */
export function label(kind, value) {
  if (value === null || value === undefined) return "—";
  const key = `${kind}.${value}`;
  return key in MESSAGES ? t(key) : String(value);
}

/** Whether a text contains Chinese characters. */
function hasChinese(text) {
  return /[\u4e00-\u9fff]/.test(text);
}

/**
 * The server's messages are Chinese, often followed by an English sentence:
 * "管理费 … 超过了报价的 10%。 The management fee exceeds 10% of the bid."
 * Returns { zh, en } with either part possibly empty.
 */
export function splitBilingual(message) {
  const text = String(message ?? "").trim();
  const match = /^([\s\S]*?[。！？）.)])\s*([A-Z][\x20-\x7e]*)$/.exec(text);
  if (match && hasChinese(match[1])) return { zh: match[1].trim(), en: match[2].trim() };
  return hasChinese(text) ? { zh: text, en: "" } : { zh: "", en: text };
}

/** A server message in the current language, or the fallback when it has no such part. */
export function serverText(message, fallback) {
  const { zh, en } = splitBilingual(message);
  const text = lang.value === "en" ? en : zh;
  return text || fallback;
}
