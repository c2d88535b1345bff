// 督导指派 (organizer): one supervisor for every awarded project without one, chosen by the
// server (load, conflicts of interest, expertise, district); here is who follows what and why.
import { gql, mutate, problemText } from "../api.js";
import { t } from "../i18n.js";
import { EmptyState, ErrorState, FormAlert, LoadingState } from "../components/states.js";

const AWARDED = `
query ConsoleAssignments($after: String) {
  fair {
    id
    projects(first: 100, after: $after, filter: { status: [AWARDED, IN_DELIVERY, CLOSED, TERMINATED] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title status serviceClass district { name }
        award { organization { name } }
        supervisor { id name title affiliation }
        supervisorAssignment { fit reasons assignedAt }
      } }
    }
  }
}`;

const ASSIGN = `
mutation AssignSupervisors($fair: ID!) {
  assignSupervisors(fair: $fair) {
    assigned { id title supervisor { name } }
    unassignedReasons { project { id title } code reason }
    errors { code field message }
  }
}`;

/**
 * A supervisor's fit (0..3: expertise +2, district +1; load and conflicts of interest are
 * conditions every assignment meets) in the words people read: how many of the three
 * conditions hold, never "300%".
 */
export function fitWords(fit) {
  const met = 1 + (fit >= 2 ? 1 : 0) + (fit % 2 === 1 ? 1 : 0);
  return met === 3 ? t("fit.all") : t("fit.some", { met });
}

export default {
  name: "SupervisorsSection",
  components: { EmptyState, ErrorState, FormAlert, LoadingState },
  props: { fair: { type: Object, default: null } },
  data() {
    return { projects: [], pageInfo: null, loading: true, error: "", sending: false, result: null, general: [] };
  },
  computed: {
    waiting() {
      return this.projects.filter((p) => !p.supervisor).length;
    },
  },
  created() {
    this.load();
  },
  methods: {
    fitWords,
    async load(after = null) {
      if (!after) this.loading = true;
      this.error = "";
      try {
        const data = await gql(AWARDED, { after });
        const connection = data.fair?.projects;
        const nodes = connection ? connection.edges.map((e) => e.node) : [];
        this.projects = after ? [...this.projects, ...nodes] : nodes;
        this.pageInfo = connection?.pageInfo ?? null;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    async assign() {
      this.sending = true;
      this.general = [];
      this.result = null;
      try {
        const result = await mutate(ASSIGN, { fair: this.fair.id }, "assignSupervisors");
        if (result.ok) {
          this.result = result.payload;
          await this.load();
        } else {
          this.general = result.errors.map((e) => e.text);
        }
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = false;
      }
    },
  },
  template: `
    <section aria-labelledby="assign-title">
      <div class="section-head">
        <h2 id="assign-title">{{ t('console.supervisors') }}</h2>
        <button type="button" class="button" :disabled="sending || !fair" @click="assign">
          {{ sending ? t('state.sending') : t('assign.run', { n: waiting }) }}
        </button>
      </div>
      <p class="hint">{{ t('assign.hint') }}</p>
      <form-alert :messages="general" />
      <div v-if="result" class="success" role="status">
        <p>{{ t('assign.done', { assigned: result.assigned.length, unassigned: result.unassignedReasons.length }) }}</p>
        <ul v-if="result.unassignedReasons.length">
          <li v-for="u in result.unassignedReasons" :key="u.project.id">{{ u.project.title }}：{{ u.reason }}</li>
        </ul>
      </div>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="() => load()" />
      <empty-state v-else-if="!projects.length" :text="t('assign.none')" />
      <div v-else class="table-wrap">
        <table class="stack-on-phone">
          <caption class="visually-hidden">{{ t('console.supervisors') }}</caption>
          <thead><tr>
            <th scope="col">{{ t('project.title') }}</th><th scope="col">{{ t('award.organization') }}</th>
            <th scope="col">{{ t('project.supervisor') }}</th><th scope="col">{{ t('assign.why') }}</th>
          </tr></thead>
          <tbody>
            <tr v-for="p in projects" :key="p.id">
              <td :data-label="t('project.title')"><a :href="href('/project/' + p.id)">{{ p.title }}</a><span class="small muted block">{{ p.code }} · {{ label('serviceClass', p.serviceClass) }} · {{ p.district.name }}</span></td>
              <td :data-label="t('award.organization')">{{ p.award ? p.award.organization.name : '—' }}</td>
              <td :data-label="t('project.supervisor')"><template v-if="p.supervisor"><strong>{{ p.supervisor.name }}</strong><span class="small muted block">{{ p.supervisor.affiliation }}</span></template>
                <span v-else class="badge status-bidding">{{ t('assign.waiting') }}</span></td>
              <td class="small" :data-label="t('assign.why')"><template v-if="p.supervisorAssignment"><span class="strong block">{{ fitWords(p.supervisorAssignment.fit) }}</span>
                <ul class="reason-list"><li v-for="r in p.supervisorAssignment.reasons" :key="r">{{ r }}</li></ul></template></td>
            </tr>
          </tbody>
        </table>
      </div>
      <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
        <button type="button" class="button secondary" @click="load(pageInfo.endCursor)">{{ t('action.loadMore') }}</button>
      </div>
    </section>`,
};
