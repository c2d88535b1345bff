// File uploads to GraphQL, by the GraphQL multipart request spec: a FormData with the
// `operations` (the document, the file's variable null), the `map` from part name to
// variable path, and the file itself as part "0". Same-origin, so the session cookie goes
// along; the browser writes the multipart Content-Type with its boundary.
import { ApiError, apiError, graphqlErrors, jsonBody, userErrorText } from "./api.js";
import { serverText, t } from "./i18n.js";

const ENDPOINT = "/graphql";

/** The multipart body for `document` with `file` as the variable `name`. */
export function multipartBody(document, variables, name, file) {
  const body = new FormData();
  body.append("operations", JSON.stringify({ query: document, variables: { ...variables, [name]: null } }));
  body.append("map", JSON.stringify({ 0: [`variables.${name}`] }));
  body.append("0", file, file.name);
  return body;
}

/**
 * Runs a mutation that uploads `file` as the variable `name`; returns what `mutate` does:
 * { ok, payload, errors }. A refused request (a file too large for the server, 413; a
 * rate limit, 429) becomes an ApiError with the server's own message.
 */
export async function uploadMutation(document, variables, name, file, field) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: multipartBody(document, variables, name, file),
    });
  } catch {
    throw new ApiError(t("error.network"), "NETWORK");
  }
  const body = await jsonBody(response);
  if (response.ok && body?.data?.[field]) return fromPayload(body.data[field]);
  const errors = graphqlErrors(body);
  if (response.status === 413 && errors) {
    throw new ApiError(serverText(errors[0].message, t("upload.tooLarge")), "PAYLOAD_TOO_LARGE");
  }
  if (errors) throw apiError(errors);
  throw new ApiError(t("error.server", { status: response.status }), "HTTP");
}

// The same shape as `mutate` gives, so forms treat both alike.
function fromPayload(payload) {
  const errors = (payload.errors ?? []).map((error) => ({
    code: error.code,
    field: error.field,
    path: (error.field ?? []).join("."),
    text: userErrorText(error),
  }));
  return { ok: errors.length === 0, payload, errors };
}
