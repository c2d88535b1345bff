// The application: one page per route, a shared header, and the helpers every template uses.
import { createApp, nextTick } from "vue";
import { count, date, dateTime, percent, score, wan, yuan } from "./format.js";
import { label, t } from "./i18n.js";
import { href, route } from "./router.js";
import { loadSession, session } from "./session.js";
import { AppHeader } from "./components/app-header.js";
import { LoadingState } from "./components/states.js";
import BoardPage from "./pages/board.js";
import ConsolePage from "./pages/console.js";
import HallPage from "./pages/hall.js";
import LoginPage from "./pages/login.js";
import MePage from "./pages/me.js";
import OrganizationPage from "./pages/organization.js";
import ProjectPage from "./pages/project.js";
import ResultsPage from "./pages/results.js";
import ReviewPage from "./pages/review.js";
import StatsPage from "./pages/stats.js";
import SupervisePage from "./pages/supervise.js";
import SurveyPage from "./pages/survey.js";

const PAGES = {
  hall: HallPage,
  project: ProjectPage,
  organization: OrganizationPage,
  login: LoginPage,
  me: MePage,
  console: ConsolePage,
  review: ReviewPage,
  supervise: SupervisePage,
  results: ResultsPage,
  stats: StatsPage,
  board: BoardPage,
  s: SurveyPage, // a resident's survey, from the poster's QR code (/s/CODE)
};

const NotFound = {
  created() {
    document.title = t("title.notFound");
  },
  template: `
    <section class="page narrow">
      <h1>{{ t('notFound.title') }}</h1>
      <p>{{ t('notFound.text') }}</p>
      <p><a class="button" :href="href('/hall')">{{ t('nav.backToHall') }}</a></p>
    </section>`,
};

const App = {
  components: { AppHeader, LoadingState },
  computed: {
    page() {
      return PAGES[route.parts[0]] ?? NotFound;
    },
    // A page is rebuilt when another page or another project opens; not for a new filter
    // in the address, nor for another section of the console (the page switches those).
    pageKey() {
      return ["project", "organization"].includes(route.parts[0]) ? route.parts.slice(0, 2).join("/") : route.parts[0];
    },
    ready() {
      return session.loaded;
    },
  },
  watch: {
    pageKey() {
      window.scrollTo(0, 0);
      // Move focus to the new page, unless the page has put it somewhere itself.
      nextTick(() => {
        if (!this.$refs.main?.contains(document.activeElement)) this.focusMain();
      });
    },
  },
  methods: {
    focusMain() {
      this.$refs.main?.focus({ preventScroll: true });
    },
  },
  template: `
    <app-header v-if="route.parts[0] !== 's'" @skip="focusMain" />
    <main id="main" ref="main" tabindex="-1" :class="{ 'full-width': route.parts[0] === 'board' }">
      <component :is="page" v-if="ready" :key="pageKey" />
      <loading-state v-else />
    </main>
    <footer class="site-footer">
      <p>{{ t('footer.text') }}</p>
    </footer>`,
};

const app = createApp(App);
Object.assign(app.config.globalProperties, {
  t, label, href, route, yuan, wan, date, dateTime, percent, score, count,
});
app.config.errorHandler = (error) => {
  // A bug in a page must not leave it blank: say so plainly, keep details for developers.
  console.debug(error);
  const main = document.getElementById("main");
  if (main && !main.querySelector(".crash")) {
    const note = document.createElement("p");
    note.className = "state state-error crash";
    note.setAttribute("role", "alert");
    note.textContent = t("error.page");
    main.prepend(note);
  }
};
app.mount("#app");
loadSession();
