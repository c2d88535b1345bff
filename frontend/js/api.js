// The only way the pages talk to the server: POST a GraphQL document to /graphql.
//
// Same-origin fetches carry the HttpOnly session cookie set by `login`. Failures become
// an ApiError with a friendly message in the page's language; raw GraphQL errors and
// stack traces are never shown (they go to console.debug for developers). A refusal the
// server explains in words (a rate limit's 429, a query too costly) shows those words,
// whatever the HTTP status it came with.
import { serverText, t } from "./i18n.js";

const ENDPOINT = "/graphql";

export class ApiError extends Error {
  /** `extensions`: the GraphQL error's own, e.g. `retryAfter` (seconds) when rate limited. */
  constructor(message, code, extensions = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.extensions = extensions;
  }
}

/** Listeners told when the server says the session is gone (e.g. it expired). */
const sessionLostListeners = new Set();
export function onSessionLost(listener) {
  sessionLostListeners.add(listener);
}

function friendly(code) {
  const key = `code.${code}`;
  const text = t(key);
  return text === key ? t("error.generic") : text;
}

/**
 * What to tell a person about a GraphQL error: the page's own words for a code it knows;
 * for another code (RATE_LIMITED, QUERY_TOO_COSTLY …) the server's message, which it
 * writes for people (Chinese, then English); without a code, graphql's own technical text
 * is not shown.
 */
function errorText(error) {
  const code = error.extensions?.code;
  if (!code) return t("error.generic");
  const key = `code.${code}`;
  if (t(key) !== key) return t(key);
  return serverText(error.message, t("error.generic"));
}

/** The body of a response as JSON; null when it is not (a proxy's error page, an interrupted answer). */
export async function jsonBody(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** The GraphQL errors of a JSON body, whatever the HTTP status; null when there are none. */
export function graphqlErrors(body) {
  const errors = body?.errors;
  return Array.isArray(errors) && errors.length ? errors : null;
}

/** The ApiError for an answer's GraphQL errors (the first one speaks for all). */
export function apiError(errors) {
  console.debug("GraphQL errors", errors);
  const first = errors[0] ?? {};
  const code = first.extensions?.code ?? "INTERNAL";
  if (code === "UNAUTHENTICATED") sessionLostListeners.forEach((listener) => listener());
  return new ApiError(errorText(first), code, first.extensions ?? {});
}

/**
 * Runs a query or mutation and returns its `data`. Throws ApiError when the request
 * fails or the answer carries GraphQL errors (unless `partial` is set and data came back).
 */
export async function gql(document, variables = {}, { partial = false, idempotencyKey } = {}) {
  let response;
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: JSON.stringify({ query: document, variables }),
    });
  } catch {
    throw new ApiError(t("error.network"), "NETWORK");
  }
  const body = await jsonBody(response);
  // Read before the status: a 429 or a 400 carries its reason as a GraphQL error.
  const errors = graphqlErrors(body);
  if (errors) {
    const error = apiError(errors);
    if (!(partial && response.ok && body.data)) throw error;
  }
  if (!response.ok || body === null) {
    throw new ApiError(t("error.server", { status: response.status }), "HTTP");
  }
  return body.data;
}

/**
 * What to tell a person about a failure: an ApiError's friendly text. Anything else is a
 * bug in the page: logged for developers, described plainly to the person.
 */
export function problemText(error) {
  if (error instanceof ApiError) return error.message;
  console.error(error);
  return t("error.page");
}

/** A UserError's message in the page's language (the server writes Chinese, then English). */
export function userErrorText(error) {
  return serverText(error.message, friendly(error.code));
}

/**
 * Runs a mutation whose payload is `data[field]` and has `errors: [UserError]`.
 * Returns { ok, payload, errors } where errors are { code, field, path, text }:
 * `path` is the field path joined with dots ("bid.managementFee"), or "" for none.
 */
export async function mutate(document, variables, field, { idempotencyKey } = {}) {
  const data = await gql(document, variables, { idempotencyKey });
  const payload = data[field];
  const errors = (payload.errors ?? []).map((error) => ({
    code: error.code,
    field: error.field,
    path: (error.field ?? []).join("."),
    text: userErrorText(error),
  }));
  if (errors.some((error) => error.code === "UNAUTHENTICATED")) {
    sessionLostListeners.forEach((listener) => listener());
  }
  return { ok: errors.length === 0, payload, errors };
}

/**
 * Sends a form's mutation as every form does: busy while it runs, refusals beside their
 * fields (`fields` as for formErrors) and the rest at the top of the form. Returns the
 * payload on success, null when the form now shows why not.
 */
export async function sendForm(form, document, variables, field, fields) {
  form.sending = true;
  // One key per submission: when the answer is lost on the way (a dropped connection, a
  // server restarted mid-request), the retry with the same key gets the first answer
  // and changes nothing twice.
  const idempotencyKey = newIdempotencyKey();
  try {
    const result = await mutateRetryingOnce(document, variables, field, idempotencyKey);
    if (result.ok) return result.payload;
    const sorted = formErrors(result.errors, fields);
    form.errors = sorted.byField;
    form.general = sorted.general;
  } catch (error) {
    form.general = [problemText(error)];
  } finally {
    form.sending = false;
  }
  return null;
}

/**
 * Sends an action's mutation (a button or a one-field form): busy while it runs, every
 * refusal as a line in `state.errors`, one Idempotency-Key per press. Returns the payload
 * on success, null when `state.errors` says why not.
 */
export async function sendAction(state, document, variables, field) {
  state.sending = true;
  state.errors = [];
  try {
    const result = await mutateRetryingOnce(document, variables, field, newIdempotencyKey());
    if (result.ok) return result.payload;
    state.errors = result.errors.map((e) => e.text);
  } catch (error) {
    state.errors = [problemText(error)];
  } finally {
    state.sending = false;
  }
  return null;
}

async function mutateRetryingOnce(document, variables, field, idempotencyKey) {
  try {
    return await mutate(document, variables, field, { idempotencyKey });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "NETWORK")) throw error;
    return await mutate(document, variables, field, { idempotencyKey });
  }
}

/** A random key (crypto.randomUUID needs a secure context; plain http on a LAN is not). */
export function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Sorts errors onto a form: `fields` maps a field path ("bid.amount") to the form's own
 * key; returns { byField: {key: [text]}, general: [text] } for messages beside each field
 * and the rest at the top of the form.
 */
export function formErrors(errors, fields) {
  const byField = {};
  const general = [];
  for (const error of errors) {
    const key = fields[error.path] ?? matchPrefix(error.path, fields);
    if (key) (byField[key] ??= []).push(error.text);
    else general.push(error.text);
  }
  return { byField, general };
}

function matchPrefix(path, fields) {
  // "scores.2.score" → a form may name "scores.2" or "scores"
  const parts = path.split(".");
  while (parts.length > 1) {
    parts.pop();
    const key = fields[parts.join(".")];
    if (key) return key;
  }
  return null;
}
