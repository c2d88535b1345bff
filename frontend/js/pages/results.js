// 公示: the awarded projects of a fair — organization, amount, score and supervisor —
// readable by anyone, without logging in; the whole fair as a workbook to download (the
// server gives organizers the full one, everyone else the public part).
import { gql, problemText } from "../api.js";
import { sumDecimals } from "../format.js";
import { t } from "../i18n.js";
import { navigate, route } from "../router.js";
import { AWARDED_STATUSES } from "../enums.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const PAGE_SIZE = 50;

const RESULTS = `
query PublicResults($edition: Int, $first: Int!, $after: String, $filter: ProjectFilter) {
  fairs { id edition name }
  fair(edition: $edition) {
    id edition name isOpen
    stats { projectCount awardedCount awardedBudget }
    projects(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title serviceClass procurement status budget bidCount
        publisher { name } district { name }
        award { amount awardedAt organization { id name } bid { score rank } }
        supervisor { name title }
      } }
    }
  }
}`;

export default {
  name: "ResultsPage",
  components: { EmptyState, ErrorState, LoadingState, StatusBadge },
  data() {
    return { fairs: [], fair: null, rows: [], pageInfo: null, total: 0, loading: true, more: false, error: "" };
  },
  computed: {
    edition() {
      return route.query.edition ? Number(route.query.edition) : null;
    },
    shownSum() {
      return sumDecimals(this.rows.filter((p) => p.award).map((p) => p.award.amount));
    },
    downloadUrl() {
      return this.fair ? `/downloads/fairs/${this.fair.edition}/results.xlsx` : null;
    },
  },
  watch: {
    edition() {
      if (route.parts[0] === "results") this.load();
    },
  },
  created() {
    document.title = t("title.results");
    this.load();
  },
  methods: {
    async fetchPage(after) {
      const variables = { edition: this.edition, first: PAGE_SIZE, after, filter: { status: AWARDED_STATUSES } };
      return gql(RESULTS, variables);
    },
    async load() {
      this.loading = true;
      this.error = "";
      try {
        const data = await this.fetchPage(null);
        this.fairs = data.fairs;
        this.fair = data.fair;
        const connection = data.fair?.projects;
        this.rows = connection ? connection.edges.map((e) => e.node) : [];
        this.pageInfo = connection?.pageInfo ?? null;
        this.total = connection?.totalCount ?? 0;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    async loadMore() {
      this.more = true;
      try {
        const data = await this.fetchPage(this.pageInfo.endCursor);
        this.rows.push(...data.fair.projects.edges.map((e) => e.node));
        this.pageInfo = data.fair.projects.pageInfo;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.more = false;
      }
    },
    choose(event) {
      navigate("/results", event.target.value ? { edition: event.target.value } : {});
    },
  },
  template: `
    <section class="page results">
      <header class="page-header">
        <h1>{{ t('results.title') }}</h1>
        <p class="lead">{{ t('results.intro') }}</p>
        <div v-if="fairs.length > 1" class="field inline-field">
          <label for="results-fair">{{ t('results.fair') }}</label>
          <select id="results-fair" :value="fair ? fair.edition : ''" @change="choose">
            <option v-for="f in fairs" :key="f.id" :value="f.edition">{{ f.name }}</option>
          </select>
        </div>
        <p v-if="downloadUrl" class="actions"><a class="button secondary" :href="downloadUrl" download>{{ t('results.download') }}</a></p>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <p v-else-if="!fair" class="state state-empty">{{ t('hall.noFair') }}</p>
      <template v-else>
        <dl class="stat-tiles">
          <div><dt>{{ t('stats.awarded') }}</dt><dd>{{ count(fair.stats.awardedCount) }}</dd></div>
          <div><dt>{{ t('stats.awardedBudget') }}</dt><dd>{{ yuan(fair.stats.awardedBudget) }}</dd></div>
          <div><dt>{{ t('stats.projects') }}</dt><dd>{{ count(fair.stats.projectCount) }}</dd></div>
        </dl>
        <empty-state v-if="!rows.length" :text="t('results.none')" />
        <div v-else class="table-wrap">
          <table class="results-table stack-on-phone">
            <caption>{{ t('results.caption', { fair: fair.name, n: total }) }}</caption>
            <thead><tr>
              <th scope="col">{{ t('project.title') }}</th>
              <th scope="col">{{ t('award.organization') }}</th>
              <th scope="col">{{ t('award.amount') }}</th>
              <th scope="col">{{ t('results.scoreSummary') }}</th>
              <th scope="col">{{ t('project.supervisor') }}</th>
              <th scope="col">{{ t('project.status') }}</th>
            </tr></thead>
            <tbody>
              <tr v-for="p in rows" :key="p.id" :data-project-id="p.id">
                <td :data-label="t('project.title')">
                  <a :href="href('/project/' + p.id)">{{ p.title }}</a>
                  <span class="small muted block">{{ p.code }} · {{ label('serviceClass', p.serviceClass) }} · {{ p.publisher.name }} · {{ p.district.name }}</span>
                </td>
                <td :data-label="t('award.organization')">{{ p.award ? p.award.organization.name : '—' }}</td>
                <td :data-label="t('award.amount')" class="money">
                  {{ p.award ? yuan(p.award.amount) : '—' }}
                  <span class="small muted block">{{ t('results.budget', { budget: yuan(p.budget) }) }}</span>
                </td>
                <td :data-label="t('results.scoreSummary')">
                  <template v-if="p.procurement === 'DIRECT'">{{ t('results.direct') }}</template>
                  <template v-else-if="p.award && p.award.bid.score !== null">
                    {{ t('results.scored', { score: score(p.award.bid.score), rank: p.award.bid.rank || 1, n: p.bidCount }) }}
                  </template>
                  <template v-else>{{ t('results.bids', { n: p.bidCount }) }}</template>
                </td>
                <td :data-label="t('project.supervisor')">{{ p.supervisor ? p.supervisor.name : t('project.noSupervisorShort') }}</td>
                <td :data-label="t('project.status')"><status-badge :status="p.status" /></td>
              </tr>
            </tbody>
            <tfoot><tr>
              <th scope="row">{{ t('results.shownTotal', { n: rows.length }) }}</th>
              <td></td><td class="money">{{ yuan(shownSum) }}</td><td colspan="3"></td>
            </tr></tfoot>
          </table>
        </div>
        <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
          <button type="button" class="button secondary" :disabled="more" @click="loadMore">{{ more ? t('state.loading') : t('action.loadMore') }}</button>
        </div>
      </template>
    </section>`,
};
