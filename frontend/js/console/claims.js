// 认领与立项: the projects of the current fair that have a claim or bids, refreshed while
// the page is open; award each from here. Publishers see their own projects only.
import { gql, problemText } from "../api.js";
import { t } from "../i18n.js";
import { session } from "../session.js";
import { AwardAction } from "../components/award-action.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const REFRESH_SECONDS = 30;

const CLAIMS = `
query ConsoleClaims($after: String, $filter: ProjectFilter) {
  fair {
    id
    projects(first: 50, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title procurement status budget bidCount publisher { id name } district { name }
        bids(first: 10) { edges { node { id amount managementFee socialWorkers status score rank submittedAt organization { id name } } } }
      } }
    }
  }
}`;

export default {
  name: "ClaimsSection",
  components: { AwardAction, EmptyState, ErrorState, LoadingState, StatusBadge },
  props: { fair: { type: Object, default: null } },
  data() {
    return {
      projects: [], total: 0, loading: true, error: "", updatedAt: null, statuses: ["CLAIMED", "BIDDING"],
      awarded: {}, // projects awarded from this page: kept in the list with their confirmation
    };
  },
  computed: {
    publisher() {
      return session.account?.role === "PUBLISHER" ? session.account.publisher : null;
    },
    visible() {
      // ProjectFilter has no publisher: a publisher's list is its district's, narrowed here.
      return this.publisher ? this.projects.filter((p) => p.publisher.id === this.publisher.id) : this.projects;
    },
  },
  created() {
    this.load();
    this.timer = setInterval(() => {
      if (document.visibilityState === "visible") this.load({ quiet: true });
    }, REFRESH_SECONDS * 1000);
  },
  unmounted() {
    clearInterval(this.timer);
  },
  methods: {
    filter() {
      const filter = { status: this.statuses };
      if (this.publisher) filter.district = [this.publisher.district.id];
      return filter;
    },
    async load({ quiet = false } = {}) {
      if (!quiet) this.loading = true;
      this.error = "";
      try {
        let after = null;
        const projects = [];
        let data;
        // Every page: the list is short in practice (open claims of one fair).
        do {
          data = await gql(CLAIMS, { after, filter: this.filter() });
          const connection = data.fair?.projects;
          if (!connection) break;
          projects.push(...connection.edges.map((e) => e.node));
          after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
          this.total = connection.totalCount;
        } while (after && projects.length < 500);
        const listed = new Set(projects.map((p) => p.id));
        this.projects = [...projects, ...Object.values(this.awarded).filter((p) => !listed.has(p.id))];
        this.updatedAt = new Date().toISOString();
      } catch (error) {
        if (!quiet) this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    awardable(p) {
      return (p.procurement === "DIRECT" && p.status === "CLAIMED") || (p.procurement === "COMPETITIVE" && p.status === "BIDDING");
    },
    onAwarded(p, payload) {
      p.status = payload.project.status;
      this.awarded[p.id] = p;
    },
    toggle(status) {
      this.statuses = this.statuses.includes(status) ? this.statuses.filter((s) => s !== status) : [...this.statuses, status];
      if (!this.statuses.length) this.statuses = ["CLAIMED", "BIDDING"];
      this.load();
    },
  },
  template: `
    <section aria-labelledby="claims-title">
      <div class="section-head">
        <h2 id="claims-title">{{ t('console.claims') }} <span class="result-count">{{ visible.length }}</span></h2>
        <div class="toolbar">
          <fieldset class="chips">
            <legend class="visually-hidden">{{ t('project.status') }}</legend>
            <label v-for="s in ['CLAIMED', 'BIDDING', 'AWARDED']" :key="s" class="chip">
              <input type="checkbox" :checked="statuses.includes(s)" @change="toggle(s)"> {{ label('status', s) }}
            </label>
          </fieldset>
          <button type="button" class="button secondary small" @click="load()">{{ t('action.refresh') }}</button>
          <span v-if="updatedAt" class="small muted" aria-live="polite">{{ t('console.updatedAt', { time: dateTime(updatedAt) }) }}</span>
        </div>
      </div>
      <p class="hint">{{ t('console.claimsHint') }}</p>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <empty-state v-else-if="!visible.length" :text="t('console.noClaims')" />
      <div v-else class="stack">
        <article v-for="p in visible" :key="p.id" class="card claim-row" :aria-labelledby="'claim-' + p.id" :data-project-id="p.id">
          <div class="claim-head">
            <div>
              <div class="badges"><status-badge :status="p.status" /><span class="badge neutral">{{ label('procurement', p.procurement) }}</span></div>
              <h3 :id="'claim-' + p.id" class="card-title"><a :href="href('/project/' + p.id)">{{ p.title }}</a></h3>
              <p class="meta"><span>{{ p.code }}</span><span>{{ p.publisher.name }}</span><span>{{ p.district.name }}</span><span>{{ t('project.budget') }} {{ yuan(p.budget) }}</span></p>
            </div>
            <award-action v-if="awardable(p) || awarded[p.id]" :project="p" @awarded="(payload) => onAwarded(p, payload)" />
          </div>
          <div class="table-wrap">
            <table class="stack-on-phone">
              <caption class="visually-hidden">{{ t('project.bids') }}</caption>
              <thead><tr>
                <th scope="col">{{ t('bid.organization') }}</th><th scope="col">{{ t('bid.amount') }}</th><th scope="col">{{ t('bid.managementFee') }}</th>
                <th scope="col">{{ t('bid.socialWorkersShort') }}</th><th scope="col">{{ t('bid.score') }}</th><th scope="col">{{ t('bid.status') }}</th><th scope="col">{{ t('bid.submittedAt') }}</th>
              </tr></thead>
              <tbody>
                <tr v-for="{ node: b } in p.bids.edges" :key="b.id">
                  <td :data-label="t('bid.organization')">{{ b.organization.name }}</td><td class="money" :data-label="t('bid.amount')">{{ yuan(b.amount) }}</td><td class="money" :data-label="t('bid.managementFee')">{{ yuan(b.managementFee) }}</td>
                  <td :data-label="t('bid.socialWorkersShort')">{{ b.socialWorkers }}</td><td :data-label="t('bid.score')">{{ score(b.score) }}<template v-if="b.rank"> · {{ t('bid.rank', { n: b.rank }) }}</template></td>
                  <td :data-label="t('bid.status')">{{ label('bidStatus', b.status) }}</td><td :data-label="t('bid.submittedAt')">{{ dateTime(b.submittedAt) }}</td>
                </tr>
              </tbody>
            </table>
          </div>
        </article>
      </div>
    </section>`,
};
