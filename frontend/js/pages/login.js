// 登录: one form for every role; afterwards the account goes to its own workspace
// (or back to the page that asked for the login).
import { problemText } from "../api.js";
import { t } from "../i18n.js";
import { navigate, route } from "../router.js";
import { homeOf, login, logout, session } from "../session.js";
import { FieldErrors, FormAlert } from "../components/states.js";

// Pages everyone sees anyway: logging in from one of them goes to one's own workspace.
const PUBLIC_LISTS = ["/", "/hall", "/results", "/stats", "/board", "/login"];

/** Where a login lands: the page that asked for it (a project to claim, a console
 * section), else the role's workspace — never back to the public hall. */
export function landing(next, account) {
  const path = (next || "").split("?")[0];
  if (!path.startsWith("/") || PUBLIC_LISTS.includes(path)) return homeOf(account);
  return next;
}

export default {
  name: "LoginPage",
  components: { FieldErrors, FormAlert },
  data() {
    return { username: "", password: "", errors: {}, general: [], sending: false };
  },
  computed: {
    account() {
      return session.account;
    },
  },
  created() {
    document.title = t("title.login");
  },
  mounted() {
    this.$refs.username?.focus();
  },
  methods: {
    async submit() {
      this.errors = {};
      this.general = [];
      if (!this.username.trim()) this.errors.username = [t("login.usernameRequired")];
      if (!this.password) this.errors.password = [t("login.passwordRequired")];
      if (Object.keys(this.errors).length) return;
      this.sending = true;
      try {
        const result = await login(this.username.trim(), this.password);
        if (result.ok) {
          navigate(landing(route.query.next, session.account));
          return;
        }
        this.general = result.errors.map((e) => e.text);
        this.password = "";
        this.$nextTick(() => this.$refs.password?.focus());
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = false;
      }
    },
    homeOf,
    async signOut() {
      await logout();
    },
  },
  template: `
    <section class="page narrow login-page">
      <h1>{{ t('login.title') }}</h1>
      <div v-if="account" class="card">
        <p>{{ t('login.already', { name: account.username, role: label('role', account.role) }) }}</p>
        <p class="actions">
          <a class="button" :href="href(homeOf(account))">{{ t('nav.workspace') }}</a>
          <button type="button" class="button secondary" @click="signOut">{{ t('nav.logout') }}</button>
        </p>
      </div>
      <form v-else class="card" novalidate @submit.prevent="submit">
        <p class="muted">{{ t('login.intro') }}</p>
        <form-alert :messages="general" />
        <div class="field">
          <label for="login-username">{{ t('login.username') }}</label>
          <input id="login-username" ref="username" v-model="username" name="username" autocomplete="username"
            :aria-invalid="Boolean(errors.username)" aria-describedby="login-username-errors">
          <field-errors id="login-username-errors" :messages="errors.username || []" />
        </div>
        <div class="field">
          <label for="login-password">{{ t('login.password') }}</label>
          <input id="login-password" ref="password" v-model="password" name="password" type="password" autocomplete="current-password"
            :aria-invalid="Boolean(errors.password)" aria-describedby="login-password-errors">
          <field-errors id="login-password-errors" :messages="errors.password || []" />
        </div>
        <button type="submit" class="button wide" :disabled="sending">{{ sending ? t('state.sending') : t('login.submit') }}</button>
      </form>
    </section>`,
};
