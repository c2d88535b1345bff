// Who is logged in. The session itself is the HttpOnly cookie set by `login`; the page
// only keeps the account it belongs to, read with `me`.
import { reactive } from "vue";
import { gql, mutate, onSessionLost } from "./api.js";

const ACCOUNT = `
  username role
  organization { id name socialWorkers }
  supervisor { id name }
  publisher { id name district { id name } }
`;

export const session = reactive({ account: null, loaded: false });

export async function loadSession() {
  try {
    const data = await gql(`query Me { me { ${ACCOUNT} } }`);
    session.account = data.me;
  } catch {
    session.account = null; // the pages still work for the public
  } finally {
    session.loaded = true;
  }
}

/** Logs in; returns the mutation's result ({ ok, errors }). */
export async function login(username, password) {
  const result = await mutate(
    `mutation Login($username: String!, $password: String!) {
      login(username: $username, password: $password) { account { ${ACCOUNT} } errors { code field message } }
    }`,
    { username, password },
    "login",
  );
  if (result.ok) session.account = result.payload.account;
  return result;
}

export async function logout() {
  try {
    await mutate("mutation Logout { logout { errors { code field message } } }", {}, "logout");
  } finally {
    session.account = null;
  }
}

export function hasRole(...roles) {
  return Boolean(session.account && roles.includes(session.account.role));
}

/** The route of the account's own workspace. */
export function homeOf(account) {
  switch (account?.role) {
    case "ORGANIZATION":
      return "/me";
    case "ORGANIZER":
    case "PUBLISHER":
      return "/console";
    case "REVIEWER":
      return "/review";
    case "SUPERVISOR":
      return "/supervise";
    default:
      return "/hall";
  }
}

onSessionLost(() => {
  session.account = null;
});
