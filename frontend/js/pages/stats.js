// 统计: budget and projects by service class and by district, published against awarded,
// for one fair. Charts are drawn with ECharts (loaded only on this page); every chart
// has its figures as a table too.
import { gql, problemText } from "../api.js";
import { fromFen, toFen, wan } from "../format.js";
import { label, lang, t } from "../i18n.js";
import { navigate, route } from "../router.js";
import { EmptyState, ErrorState, LoadingState } from "../components/states.js";

const STATS = `
query FairStatistics($edition: Int) {
  fairs { id edition name }
  fair(edition: $edition) {
    id edition name
    stats {
      projectCount totalBudget awardedCount awardedBudget
      byServiceClass { serviceClass projectCount budget }
      byDistrict { district { id name } projectCount budget }
    }
  }
}`;

const COLORS = ["#b3261e", "#d9822b", "#2b7a78", "#3d5a80", "#8e6c8a", "#6b8f23", "#c05746", "#5c677d"];

/** A Decimal string in 万元 as a number: computed exactly, converted only to be drawn. */
function wanNumber(decimal) {
  return Number(wan(decimal).replace(/,/g, ""));
}

function barOptions({ names, budgets, counts, horizontal }) {
  const category = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
  const budgetAxis = { type: "value", name: t("stats.budgetWan"), axisLabel: { formatter: "{value}" } };
  const countAxis = { type: "value", name: t("stats.projectCountUnit"), splitLine: { show: false } };
  return {
    color: COLORS,
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: horizontal ? 84 : 48, bottom: horizontal ? 36 : 8, containLabel: true },
    xAxis: horizontal
      ? [
        { ...budgetAxis, nameLocation: "middle", nameGap: 28 },
        { ...countAxis, position: "top", nameLocation: "middle", nameGap: 28 },
      ]
      : category,
    yAxis: horizontal ? { ...category, inverse: true, axisLabel: { interval: 0 } } : [budgetAxis, countAxis],
    series: [
      { name: t("stats.budgetWan"), type: "bar", data: budgets, barMaxWidth: 28 },
      horizontal
        ? { name: t("stats.projectCountUnit"), type: "bar", xAxisIndex: 1, data: counts, barMaxWidth: 12 }
        : { name: t("stats.projectCountUnit"), type: "line", yAxisIndex: 1, data: counts, symbolSize: 8 },
    ],
  };
}

function progressOptions(stats) {
  const remainingCount = stats.projectCount - stats.awardedCount;
  const remainingBudget = fromFen(toFen(stats.totalBudget) - toFen(stats.awardedBudget));
  const donut = (name, center, awarded, remaining) => ({
    name,
    type: "pie",
    radius: ["30%", "50%"],
    center,
    label: { formatter: "{b}\n{c}", fontSize: 12 },
    data: [
      { name: t("stats.awardedShort"), value: awarded },
      { name: t("stats.notAwarded"), value: remaining },
    ],
  });
  return {
    color: ["#b3261e", "#d8d2c8"],
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "item" },
    legend: { top: 0 },
    title: [
      { text: t("stats.byCount"), left: "25%", bottom: 4, textAlign: "center", textStyle: { fontSize: 13 } },
      { text: t("stats.byBudgetWan"), left: "75%", bottom: 4, textAlign: "center", textStyle: { fontSize: 13 } },
    ],
    series: [
      donut(t("stats.byCount"), ["25%", "48%"], stats.awardedCount, remainingCount),
      donut(t("stats.byBudgetWan"), ["75%", "48%"], wanNumber(stats.awardedBudget), wanNumber(remainingBudget)),
    ],
  };
}

export default {
  name: "StatsPage",
  components: { EmptyState, ErrorState, LoadingState },
  data() {
    return { fairs: [], fair: null, loading: true, error: "", chartError: "" };
  },
  computed: {
    edition() {
      return route.query.edition ? Number(route.query.edition) : null;
    },
    byClass() {
      return this.fair?.stats.byServiceClass ?? [];
    },
    byDistrict() {
      return this.fair?.stats.byDistrict ?? [];
    },
  },
  watch: {
    edition() {
      if (route.parts[0] === "stats") this.load();
    },
  },
  created() {
    document.title = t("title.stats");
    this.charts = [];
    this.stopLanguageWatch = this.$watch(() => lang.value, () => this.draw());
    this.onResize = () => this.charts.forEach((chart) => chart.resize());
    window.addEventListener("resize", this.onResize);
    this.load();
  },
  unmounted() {
    this.gone = true;
    window.removeEventListener("resize", this.onResize);
    this.charts.forEach((chart) => chart.dispose());
  },
  methods: {
    async load() {
      this.loading = true;
      this.error = "";
      try {
        const data = await gql(STATS, { edition: this.edition });
        this.fairs = data.fairs;
        this.fair = data.fair;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
      if (this.fair) {
        await this.$nextTick();
        await this.draw();
      }
    },
    async draw() {
      if (!this.fair || !this.$refs.classChart) return;
      let echarts;
      try {
        echarts = await import("echarts");
      } catch {
        this.chartError = t("stats.chartsUnavailable");
        return;
      }
      // The page may have been left, or redrawn, while the library loaded.
      if (this.gone || !this.$refs.classChart) return;
      this.charts.forEach((chart) => chart.dispose());
      const stats = this.fair.stats;
      const make = (element, options) => {
        const chart = echarts.init(element, null, { renderer: "canvas" });
        chart.setOption(options);
        return chart;
      };
      this.charts = [
        make(this.$refs.classChart, barOptions({
          names: this.byClass.map((c) => label("serviceClass", c.serviceClass)),
          budgets: this.byClass.map((c) => wanNumber(c.budget)),
          counts: this.byClass.map((c) => c.projectCount),
        })),
        make(this.$refs.districtChart, barOptions({
          names: this.byDistrict.map((d) => d.district.name),
          budgets: this.byDistrict.map((d) => wanNumber(d.budget)),
          counts: this.byDistrict.map((d) => d.projectCount),
          horizontal: true,
        })),
        make(this.$refs.progressChart, progressOptions(stats)),
      ];
    },
    choose(event) {
      navigate("/stats", event.target.value ? { edition: event.target.value } : {});
    },
  },
  template: `
    <section class="page stats">
      <header class="page-header">
        <h1>{{ t('stats.title') }}</h1>
        <p v-if="fair" class="lead">{{ fair.name }}</p>
        <p v-if="fair"><a class="button secondary small" :href="href('/board', { edition: fair.edition })">{{ t('board.open') }}</a></p>
        <div v-if="fairs.length > 1" class="field inline-field">
          <label for="stats-fair">{{ t('results.fair') }}</label>
          <select id="stats-fair" :value="fair ? fair.edition : ''" @change="choose">
            <option v-for="f in fairs" :key="f.id" :value="f.edition">{{ f.name }}</option>
          </select>
        </div>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <p v-else-if="!fair" class="state state-empty">{{ t('hall.noFair') }}</p>
      <template v-else>
        <dl class="stat-tiles">
          <div><dt>{{ t('stats.projects') }}</dt><dd>{{ count(fair.stats.projectCount) }}</dd></div>
          <div><dt>{{ t('stats.totalBudget') }}</dt><dd>{{ yuan(fair.stats.totalBudget) }}</dd></div>
          <div><dt>{{ t('stats.awarded') }}</dt><dd>{{ count(fair.stats.awardedCount) }}</dd></div>
          <div><dt>{{ t('stats.awardedBudget') }}</dt><dd>{{ yuan(fair.stats.awardedBudget) }}</dd></div>
        </dl>
        <p v-if="chartError" class="state state-error" role="alert">{{ chartError }}</p>
        <div class="chart-grid">
          <figure class="card chart-card">
            <figcaption><h2>{{ t('stats.byClass') }}</h2></figcaption>
            <div ref="classChart" class="chart" role="img" :aria-label="t('stats.byClass')"></div>
            <details>
              <summary>{{ t('stats.asTable') }}</summary>
              <table><thead><tr><th scope="col">{{ t('project.serviceClass') }}</th><th scope="col">{{ t('stats.projectCountUnit') }}</th><th scope="col">{{ t('project.budget') }}</th></tr></thead>
                <tbody><tr v-for="c in byClass" :key="c.serviceClass"><th scope="row">{{ label('serviceClass', c.serviceClass) }}</th><td>{{ c.projectCount }}</td><td class="money">{{ yuan(c.budget) }}</td></tr></tbody></table>
            </details>
          </figure>
          <figure class="card chart-card">
            <figcaption><h2>{{ t('stats.progress') }}</h2></figcaption>
            <div ref="progressChart" class="chart" role="img" :aria-label="t('stats.progress')"></div>
            <details>
              <summary>{{ t('stats.asTable') }}</summary>
              <table><thead><tr><th scope="col"></th><th scope="col">{{ t('stats.projectCountUnit') }}</th><th scope="col">{{ t('project.budget') }}</th></tr></thead>
                <tbody>
                  <tr><th scope="row">{{ t('stats.published') }}</th><td>{{ fair.stats.projectCount }}</td><td class="money">{{ yuan(fair.stats.totalBudget) }}</td></tr>
                  <tr><th scope="row">{{ t('stats.awardedShort') }}</th><td>{{ fair.stats.awardedCount }}</td><td class="money">{{ yuan(fair.stats.awardedBudget) }}</td></tr>
                </tbody></table>
            </details>
          </figure>
          <figure class="card chart-card wide">
            <figcaption><h2>{{ t('stats.byDistrict') }}</h2></figcaption>
            <div ref="districtChart" class="chart tall" role="img" :aria-label="t('stats.byDistrict')"></div>
            <details>
              <summary>{{ t('stats.asTable') }}</summary>
              <table><thead><tr><th scope="col">{{ t('project.district') }}</th><th scope="col">{{ t('stats.projectCountUnit') }}</th><th scope="col">{{ t('project.budget') }}</th></tr></thead>
                <tbody><tr v-for="d in byDistrict" :key="d.district.id"><th scope="row">{{ d.district.name }}</th><td>{{ d.projectCount }}</td><td class="money">{{ yuan(d.budget) }}</td></tr></tbody></table>
            </details>
          </figure>
        </div>
      </template>
    </section>`,
};
