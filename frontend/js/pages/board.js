// 大屏: the fair on a wall screen (1920×1080, also a laptop or a phone). Running totals,
// the latest events and the money committed by service class, all kept up to date by the
// fairActivity subscription: counted once when the page opens, then moved on by events;
// fetched again only after the connection was lost, because missed events are not
// replayed.
import { gql, problemText } from "../api.js";
import { FIGURE_FIELDS, FairFigures, TAKEN_STATUSES } from "../fair-figures.js";
import { count, wan, yuan } from "../format.js";
import { SERVICE_CLASSES } from "../enums.js";
import { label, lang, t } from "../i18n.js";
import { connection, subscribe } from "../live.js";
import { route } from "../router.js";
import { ErrorState, LoadingState } from "../components/states.js";

/** Projects per request while counting; the API's largest page. */
const PAGE_SIZE = 100;
/** Events kept on screen. */
const SHOWN_EVENTS = 15;

const BOARD = `
query Board($edition: Int, $first: Int!, $filter: ProjectFilter) {
  fair(edition: $edition) {
    id edition name isOpen
    stats { projectCount byServiceClass { serviceClass budget } }
    projects(first: $first, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { node { ${FIGURE_FIELDS} } }
    }
  }
}`;

const MORE = `
query BoardMore($edition: Int!, $first: Int!, $after: String, $filter: ProjectFilter) {
  fair(edition: $edition) {
    projects(first: $first, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { node { ${FIGURE_FIELDS} } }
    }
  }
}`;

const ACTIVITY = `
subscription BoardActivity($fair: ID!) {
  fairActivity(fair: $fair) {
    id kind at
    organization { id name }
    project { ${FIGURE_FIELDS} title district { id name } }
  }
}`;

const CITY_TIME = "Asia/Shanghai";
const CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: CITY_TIME, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});

/** A Decimal string in 万元 as a number: computed exactly, converted only to be drawn. */
function wanNumber(decimal) {
  return Number(wan(decimal).replace(/,/g, ""));
}

function reducedMotion() {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
}

/** Type on the chart grows with its box: readable across a room, still fits a phone. */
function chartFontSize(width) {
  return Math.round(Math.min(Math.max(width / 48, 12), 24));
}

function chartOptions({ names, budgets, committed, width }) {
  const fontSize = chartFontSize(width);
  return {
    animation: !reducedMotion(),
    aria: { enabled: true },
    color: ["#e4ded4", "#b3261e"],
    textStyle: { fontSize },
    legend: { top: 0, textStyle: { fontSize }, itemWidth: fontSize, itemHeight: fontSize * 0.7 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, textStyle: { fontSize } },
    grid: { left: 4, right: fontSize * 4, top: fontSize * 2.5, bottom: 4, containLabel: true },
    xAxis: { type: "value", axisLabel: { fontSize: fontSize * 0.8 }, splitLine: { lineStyle: { color: "#eee" } } },
    yAxis: { type: "category", data: names, inverse: true, axisLabel: { fontSize }, axisTick: { show: false } },
    series: [
      { name: t("board.budgetWan"), type: "bar", data: budgets, barWidth: "60%", barGap: "-100%", silent: true },
      {
        name: t("board.committedWan"),
        type: "bar",
        data: committed,
        barWidth: "60%",
        label: { show: true, position: "right", fontSize, fontWeight: "bold", color: "#8c1d17" },
      },
    ],
  };
}

export default {
  name: "BoardPage",
  components: { ErrorState, LoadingState },
  data() {
    return {
      fair: null,
      totals: null,
      events: [],
      loading: true,
      error: "",
      chartError: "",
      changed: {},
      fullscreen: false,
      SERVICE_CLASSES,
    };
  },
  computed: {
    edition() {
      return route.query.edition ? Number(route.query.edition) : null;
    },
    liveState() {
      return connection.state;
    },
    liveText() {
      return t(`live.${connection.state === "idle" ? "connecting" : connection.state}`);
    },
    budgetByClass() {
      const budgets = Object.fromEntries((this.fair?.stats.byServiceClass ?? []).map((c) => [c.serviceClass, c.budget]));
      return SERVICE_CLASSES.map((c) => budgets[c] ?? "0.00");
    },
    tiles() {
      const totals = this.totals;
      if (!totals) return [];
      return [
        { key: "projects", label: t("board.projects"), value: count(this.fair.stats.projectCount) },
        { key: "bids", label: t("board.bids"), value: count(totals.bids) },
        { key: "claimed", label: t("board.claimed"), value: count(totals.claimed) },
        { key: "awarded", label: t("board.awarded"), value: count(totals.awarded) },
        { key: "committed", label: t("board.committedWan"), value: wan(totals.committed), exact: yuan(totals.committed) },
        { key: "paid", label: t("board.paidWan"), value: wan(totals.paid), exact: yuan(totals.paid) },
      ];
    },
    canFullscreen() {
      return Boolean(document.fullscreenEnabled);
    },
  },
  watch: {
    edition() {
      if (route.parts[0] === "board") this.restart();
    },
  },
  created() {
    document.title = t("title.board");
    this.figures = new FairFigures();
    this.seen = new Set();
    this.replay = null;
    this.chart = null;
    this.$watch(() => lang.value, () => this.draw());
    this.onResize = () => this.draw();
    this.onFullscreen = () => {
      this.fullscreen = document.fullscreenElement === this.$el;
    };
    window.addEventListener("resize", this.onResize);
    document.addEventListener("fullscreenchange", this.onFullscreen);
    this.restart();
  },
  unmounted() {
    this.gone = true;
    this.unsubscribe?.();
    window.removeEventListener("resize", this.onResize);
    document.removeEventListener("fullscreenchange", this.onFullscreen);
    clearTimeout(this.changedTimer);
    this.chart?.dispose();
  },
  methods: {
    /** Counts the fair afresh and (re)subscribes to its events. */
    async restart() {
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.chart?.dispose(); // its element goes while the other fair loads
      this.chart = null;
      this.loading = true;
      this.error = "";
      this.events = [];
      this.seen.clear();
      try {
        await this.tally(true);
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
      await this.$nextTick();
      this.draw();
    },
    /** Reads the figures of every taken project, page by page, into a fresh tally. */
    async tally(first) {
      this.replay = [];
      try {
        await this.countPages(first);
      } finally {
        this.replay = null;
      }
    },
    async countPages(first) {
      const filter = { status: TAKEN_STATUSES };
      const figures = new FairFigures();
      const data = await gql(BOARD, { edition: this.edition, first: PAGE_SIZE, filter });
      if (this.gone) return;
      if (first) {
        this.fair = data.fair;
        // Subscribe as soon as the fair is known, so that nothing happens unheard while
        // the remaining pages load; what arrives meanwhile is replayed onto the count.
        if (this.fair) {
          this.unsubscribe = subscribe(ACTIVITY, { fair: this.fair.id }, (d) => this.onEvent(d.fairActivity), {
            onReconnect: () => this.resync(),
          });
        }
      }
      if (!data.fair) return;
      let page = data.fair.projects;
      page.edges.forEach(({ node }) => figures.track(node));
      while (page.pageInfo.hasNextPage) {
        const variables = { edition: data.fair.edition, first: PAGE_SIZE, after: page.pageInfo.endCursor, filter };
        page = (await gql(MORE, variables)).fair.projects;
        if (this.gone) return;
        page.edges.forEach(({ node }) => figures.track(node));
      }
      this.replay.forEach((project) => figures.track(project));
      this.figures = figures;
      this.update(!first); // a recount after a reconnection marks what it changed
    },
    /** After a reconnection: count again (events were missed), keep the events shown. */
    async resync() {
      if (this.gone || !this.fair || this.replay) return;
      try {
        await this.tally(false);
      } catch (error) {
        console.debug("board resync failed", error);
      }
    },
    onEvent(event) {
      if (!event || this.seen.has(event.id)) return;
      this.seen.add(event.id);
      this.replay?.push(event.project);
      const { paid } = this.figures.track(event.project);
      this.events.unshift({ ...event, paid });
      if (this.events.length > SHOWN_EVENTS) {
        this.events.splice(SHOWN_EVENTS).forEach((gone) => this.seen.delete(gone.id));
      }
      this.update(true);
    },
    update(flash) {
      const before = this.totals;
      this.totals = this.figures.totals();
      if (flash && before) {
        this.changed = Object.fromEntries(
          ["bids", "claimed", "awarded", "committed", "paid"].map((key) => [key, before[key] !== this.totals[key]]),
        );
        clearTimeout(this.changedTimer);
        this.changedTimer = setTimeout(() => (this.changed = {}), 2500);
      }
      this.$nextTick(() => this.draw());
    },
    async draw() {
      const element = this.$refs.chart;
      if (!this.totals || !element) return;
      if (!this.chart) {
        let echarts;
        try {
          echarts = await import("echarts");
        } catch {
          this.chartError = t("stats.chartsUnavailable");
          return;
        }
        if (this.gone || this.chart || !this.$refs.chart) return;
        this.chart = echarts.init(this.$refs.chart, null, { renderer: "canvas" });
      }
      this.chart.resize();
      this.chart.setOption(chartOptions({
        names: SERVICE_CLASSES.map((c) => label("serviceClass", c)),
        budgets: this.budgetByClass.map(wanNumber),
        committed: SERVICE_CLASSES.map((c) => wanNumber(this.totals.byClass[c])),
        width: this.$refs.chart.clientWidth,
      }));
    },
    clock(iso) {
      return CLOCK.format(new Date(iso));
    },
    detail(event) {
      const project = event.project;
      if (event.kind === "AWARDED" && project.award) return yuan(project.award.amount);
      if (event.kind === "PAID" && event.paid !== "0.00") return yuan(event.paid);
      if (event.kind === "EVALUATED" && project.status === "TERMINATED") return t("board.terminated");
      return "";
    },
    toggleFullscreen() {
      if (document.fullscreenElement) document.exitFullscreen();
      else this.$el.requestFullscreen?.().catch(() => {});
    },
  },
  template: `
    <section class="page board" :class="{ fullscreen }" aria-labelledby="board-title">
      <header class="board-head">
        <div>
          <p class="board-kicker">{{ t('board.kicker') }}</p>
          <h1 id="board-title">{{ fair ? fair.name : t('board.title') }}</h1>
        </div>
        <div class="board-tools">
          <p class="live-state" :class="'live-' + liveState" role="status">
            <span class="live-dot" aria-hidden="true"></span>{{ liveText }}
          </p>
          <button v-if="canFullscreen" type="button" class="button secondary small" @click="toggleFullscreen">
            {{ fullscreen ? t('board.exitFullscreen') : t('board.fullscreen') }}
          </button>
        </div>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="restart" />
      <p v-else-if="!fair" class="state state-empty">{{ t('hall.noFair') }}</p>
      <template v-else-if="totals">
        <dl class="board-totals">
          <div v-for="tile in tiles" :key="tile.key" :data-total="tile.key" :class="{ changed: changed[tile.key] }">
            <dt>{{ tile.label }}</dt>
            <dd :title="tile.exact">{{ tile.value }}</dd>
          </div>
        </dl>
        <div class="board-body">
          <section class="board-events card" aria-labelledby="board-events-title">
            <h2 id="board-events-title">{{ t('board.latest') }}</h2>
            <p v-if="!events.length" class="muted board-waiting">{{ t('board.waiting') }}</p>
            <ol class="event-list" aria-live="polite" aria-relevant="additions" :aria-label="t('board.latest')">
              <li v-for="event in events" :key="event.id" class="event" :data-kind="event.kind" :data-project-id="event.project.id">
                <time :datetime="event.at">{{ clock(event.at) }}</time>
                <span class="badge event-kind" :class="'kind-' + event.kind.toLowerCase()">{{ label('liveKind', event.kind) }}</span>
                <span class="event-text">
                  <strong class="event-title">{{ event.project.title }}</strong>
                  <span class="event-meta">
                    {{ event.project.district.name }}<template v-if="event.organization"> · {{ event.organization.name }}</template><template v-if="detail(event)"> · <span class="money">{{ detail(event) }}</span></template>
                  </span>
                </span>
              </li>
            </ol>
          </section>
          <figure class="board-chart card">
            <figcaption><h2>{{ t('board.byClass') }}</h2></figcaption>
            <p v-if="chartError" class="state state-error" role="alert">{{ chartError }}</p>
            <div ref="chart" class="chart board-canvas" role="img" :aria-label="t('board.byClass')"></div>
            <table class="visually-hidden">
              <caption>{{ t('board.byClass') }}</caption>
              <thead><tr><th scope="col">{{ t('project.serviceClass') }}</th><th scope="col">{{ t('board.committed') }}</th><th scope="col">{{ t('board.budget') }}</th></tr></thead>
              <tbody>
                <tr v-for="(c, i) in SERVICE_CLASSES" :key="c" :data-class="c">
                  <th scope="row">{{ label('serviceClass', c) }}</th>
                  <td class="money">{{ yuan(totals.byClass[c]) }}</td>
                  <td class="money">{{ yuan(budgetByClass[i]) }}</td>
                </tr>
              </tbody>
            </table>
          </figure>
        </div>
      </template>
    </section>`,
};
