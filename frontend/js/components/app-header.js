// The site header: the name, the pages everyone sees, the account's own workspace,
// login/logout and the language switch.
import { lang, setLanguage } from "../i18n.js";
import { navigate, route } from "../router.js";
import { homeOf, logout, session } from "../session.js";

const WORKSPACE = {
  ORGANIZATION: "nav.orgWorkspace",
  ORGANIZER: "nav.console",
  PUBLISHER: "nav.console",
  REVIEWER: "nav.review",
  SUPERVISOR: "nav.supervise",
};

export const AppHeader = {
  emits: ["skip"],
  computed: {
    account() {
      return session.account;
    },
    links() {
      const links = [
        { path: "/hall", key: "nav.hall" },
        { path: "/results", key: "nav.results" },
        { path: "/stats", key: "nav.stats" },
        { path: "/board", key: "nav.board" },
      ];
      if (this.account) links.push({ path: homeOf(this.account), key: WORKSPACE[this.account.role] });
      return links;
    },
    otherLanguage() {
      return lang.value === "en" ? "zh" : "en";
    },
  },
  methods: {
    current(path) {
      const section = path.split("/")[1];
      return route.parts[0] === section || (section === "hall" && route.parts[0] === "project");
    },
    async signOut() {
      await logout();
      navigate("/hall");
    },
    switchLanguage() {
      setLanguage(this.otherLanguage);
    },
  },
  template: `
    <header class="site-header">
      <a class="skip-link" href="#main" @click.prevent="$emit('skip')">{{ t('nav.skip') }}</a>
      <div class="header-inner">
        <a class="brand" :href="href('/hall')">
          <span class="brand-mark" aria-hidden="true">洽</span>
          <span class="brand-text"><strong>{{ t('site.short') }}</strong><small>{{ t('site.name') }}</small></span>
        </a>
        <nav :aria-label="t('nav.main')" class="main-nav">
          <ul>
            <li v-for="link in links" :key="link.path">
              <a :href="href(link.path)" :aria-current="current(link.path) ? 'page' : null">{{ t(link.key) }}</a>
            </li>
          </ul>
        </nav>
        <div class="account-bar">
          <template v-if="account">
            <span class="who" :title="label('role', account.role)">
              <span class="visually-hidden">{{ t('nav.loggedInAs') }}</span>{{ account.username }}
              <span class="badge neutral small">{{ label('role', account.role) }}</span>
            </span>
            <button type="button" class="button link" @click="signOut">{{ t('nav.logout') }}</button>
          </template>
          <a v-else class="button small" :href="href('/login', route.parts[0] === 'login' ? {} : { next: route.path })">{{ t('nav.login') }}</a>
          <button type="button" class="button link lang-switch" :lang="otherLanguage === 'en' ? 'en' : 'zh-CN'" @click="switchLanguage">
            {{ otherLanguage === 'en' ? 'English' : '中文' }}
          </button>
        </div>
      </div>
    </header>`,
};
