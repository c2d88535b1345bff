// 社会组织履约记录 (#/organization/ID): an organization's profile and its record across
// fairs — per fair the projects, money awarded and paid, mean score; every project with
// its scores, payments and credit entries; a chart of the fairs (ECharts, loaded only
// here, with the figures as a table too). Organizers and publishers see the record, and
// the organization its own; others see the profile only.
import { gql, problemText } from "../api.js";
import { wan } from "../format.js";
import { label, lang, t } from "../i18n.js";
import { route } from "../router.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const ORGANIZATION = `
query OrganizationRecord($id: ID!) {
  node(id: $id) {
    ... on Organization {
      id name creditCode registrationKind socialWorkers grade restrictedUntil serviceClasses
      districts { id name }
      history {
        fairs { edition projects contracted paid meanScore passed failed fair { id name } }
        projects {
          edition amount midtermScore finalScore paid
          project { id code title status }
          payments { tranche amount status }
          creditEntries { at kind note }
        }
        creditEntries { at kind note }
      }
    }
  }
}`;

const COLORS = ["#3d5a80", "#2b7a78", "#d9822b"];

/** A Decimal string in 万元 as a number: exact text, converted only to be drawn. */
function wanNumber(decimal) {
  return Number(wan(decimal).replace(/,/g, ""));
}

function chartOptions(fairs) {
  // Oldest fair on the left, as a record reads.
  const ordered = [...fairs].reverse();
  return {
    color: COLORS,
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: ordered.map((f) => t("record.edition", { n: f.edition })) },
    yAxis: [
      { type: "value", name: t("record.wan") },
      { type: "value", name: t("record.score"), min: 0, max: 100, splitLine: { show: false } },
    ],
    series: [
      { name: t("record.contracted"), type: "bar", data: ordered.map((f) => wanNumber(f.contracted)), barMaxWidth: 28 },
      { name: t("record.paid"), type: "bar", data: ordered.map((f) => wanNumber(f.paid)), barMaxWidth: 28 },
      { name: t("record.meanScore"), type: "line", yAxisIndex: 1, data: ordered.map((f) => f.meanScore), symbolSize: 8 },
    ],
  };
}

export default {
  name: "OrganizationPage",
  components: { EmptyState, ErrorState, LoadingState, StatusBadge },
  data() {
    return { organization: null, loading: true, error: "", notFound: false, chartError: "" };
  },
  computed: {
    history() {
      return this.organization?.history ?? null;
    },
  },
  created() {
    this.chart = null;
    this.stopLanguageWatch = this.$watch(() => lang.value, () => this.draw());
    this.onResize = () => this.chart?.resize();
    window.addEventListener("resize", this.onResize);
    this.load();
  },
  unmounted() {
    this.gone = true;
    window.removeEventListener("resize", this.onResize);
    this.chart?.dispose();
  },
  methods: {
    async load() {
      this.loading = true;
      this.error = "";
      try {
        const data = await gql(ORGANIZATION, { id: route.parts[1] });
        this.organization = data.node && data.node.name ? data.node : null;
        this.notFound = !this.organization;
        document.title = this.organization ? `${this.organization.name} · ${t("site.short")}` : t("title.notFound");
      } catch (error) {
        if (error.code === "NOT_FOUND" || error.code === "INVALID_INPUT") this.notFound = true;
        else this.error = problemText(error);
      } finally {
        this.loading = false;
      }
      if (this.history?.fairs.length) {
        await this.$nextTick();
        await this.draw();
      }
    },
    async draw() {
      if (!this.history?.fairs.length || !this.$refs.chart) return;
      let echarts;
      try {
        echarts = await import("echarts");
      } catch {
        this.chartError = t("stats.chartsUnavailable");
        return;
      }
      if (this.gone || !this.$refs.chart) return;
      this.chart?.dispose();
      this.chart = echarts.init(this.$refs.chart, null, { renderer: "canvas" });
      this.chart.setOption(chartOptions(this.history.fairs));
    },
  },
  template: `
    <section class="page organization-page">
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <div v-else-if="notFound" class="state state-empty"><h1>{{ t('record.notFound') }}</h1></div>
      <template v-else>
        <header class="page-header">
          <h1>{{ organization.name }}</h1>
          <p class="meta"><code>{{ organization.creditCode }}</code>
            <span>{{ label('registrationKind', organization.registrationKind) }}</span>
            <span>{{ organization.grade || t('org.noGrade') }}</span>
            <span>{{ t('org.socialWorkers', { n: organization.socialWorkers }) }}</span></p>
          <p class="small muted">{{ organization.serviceClasses.map(c => label('serviceClass', c)).join('、') }}
            · {{ organization.districts.map(d => d.name).join('、') }}</p>
          <p v-if="organization.restrictedUntil" class="form-alert" role="alert">{{ t('record.restricted', { until: date(organization.restrictedUntil) }) }}</p>
        </header>

        <p v-if="!history" class="card hint-card">{{ t('record.private') }}</p>
        <template v-else>
          <h2>{{ t('record.title') }}</h2>
          <empty-state v-if="!history.projects.length" :text="t('record.empty')" />
          <template v-else>
            <p v-if="chartError" class="state state-error" role="alert">{{ chartError }}</p>
            <figure class="card chart-card">
              <figcaption><h3>{{ t('record.chart') }}</h3></figcaption>
              <div ref="chart" class="chart" role="img" :aria-label="t('record.chart')"></div>
            </figure>
            <section class="card" aria-labelledby="record-fairs-title">
              <h3 id="record-fairs-title">{{ t('record.byFair') }}</h3>
              <div class="table-wrap">
                <table class="record-table">
                  <thead><tr>
                    <th scope="col">{{ t('results.fair') }}</th><th scope="col">{{ t('record.projects') }}</th>
                    <th scope="col">{{ t('record.contracted') }}</th><th scope="col">{{ t('record.paid') }}</th>
                    <th scope="col">{{ t('record.meanScore') }}</th><th scope="col">{{ t('record.passedFailed') }}</th>
                  </tr></thead>
                  <tbody>
                    <tr v-for="f in history.fairs" :key="f.edition">
                      <th scope="row">{{ f.fair.name }}</th><td>{{ f.projects }}</td>
                      <td class="money">{{ yuan(f.contracted) }}</td><td class="money">{{ yuan(f.paid) }}</td>
                      <td>{{ f.meanScore === null ? '—' : score(f.meanScore) }}</td><td>{{ f.passed }} / {{ f.failed }}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
            </section>
            <section class="card" aria-labelledby="record-projects-title">
              <h3 id="record-projects-title">{{ t('record.projectsTitle') }}</h3>
              <ul class="plain-list">
                <li v-for="p in history.projects" :key="p.project.id" class="row-item">
                  <a :href="href('/project/' + p.project.id)"><strong>{{ p.project.title }}</strong></a>
                  <status-badge :status="p.project.status" />
                  <span class="small muted">{{ t('record.edition', { n: p.edition }) }} · {{ p.project.code }}
                    · {{ t('award.amount') }} {{ yuan(p.amount) }} · {{ t('record.paid') }} {{ yuan(p.paid) }}
                    · {{ t('record.scores', { mid: p.midtermScore === null ? '—' : score(p.midtermScore), final: p.finalScore === null ? '—' : score(p.finalScore) }) }}</span>
                  <span v-for="(c, i) in p.creditEntries" :key="i" class="reasons">{{ label('creditKind', c.kind) }}：{{ c.note }}</span>
                </li>
              </ul>
            </section>
            <section class="card" aria-labelledby="record-credit-title">
              <h3 id="record-credit-title">{{ t('me.credit') }}</h3>
              <empty-state v-if="!history.creditEntries.length" :text="t('me.creditClean')" />
              <ul v-else class="plain-list">
                <li v-for="(c, i) in history.creditEntries" :key="i" class="row-item">
                  <strong>{{ label('creditKind', c.kind) }}</strong> <span class="small muted">{{ date(c.at) }}</span>
                  <span class="reasons">{{ c.note }}</span>
                </li>
              </ul>
            </section>
          </template>
        </template>
      </template>
    </section>`,
};
