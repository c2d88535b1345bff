// Hash routing: #/hall, #/project/ID, #/console/claims, #/board … The page file never changes,
// so the static server only ever serves index.html.
import { reactive } from "vue";

/** The current route: { path: "/project/X", parts: ["project", "X"], query: {…} }. */
export const route = reactive({ path: "/hall", parts: ["hall"], query: {} });

function parse() {
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  route.parts = parts.length ? parts : ["hall"];
  route.path = `/${route.parts.join("/")}`;
  route.query = Object.fromEntries(new URLSearchParams(search));
}

/** Goes to a route, e.g. navigate("/project/X") or navigate("/login", { next: "/me" }). */
export function navigate(path, query = {}) {
  const search = new URLSearchParams(query).toString();
  const target = `#${path}${search ? `?${search}` : ""}`;
  if (location.hash === target) parse();
  else location.hash = target;
}

/** The href of a route, for links. */
export function href(path, query = {}) {
  const search = new URLSearchParams(query).toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

window.addEventListener("hashchange", parse);
parse();
