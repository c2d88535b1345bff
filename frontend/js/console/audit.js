// 审计日志 (organizer): who did what and when, newest first, each object by its title or
// name; filtered by action, person and project.
import { gql, problemText } from "../api.js";
import { EmptyState, ErrorState, LoadingState } from "../components/states.js";

const AUDIT = `
query AuditLog($after: String, $action: String, $actor: String, $project: ID) {
  auditLog(first: 20, after: $after, action: $action, actor: $actor, project: $project, newestFirst: true) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { at actor action subjects { id kind label detail projectId } } }
  }
}`;

// The actions the services write into the trail (api/*: record(actor, "…")).
export const AUDIT_ACTIONS = [
  "claimProject", "withdrawBid", "scoreBid", "awardProject", "assignSupervisors",
  "recordEvaluation", "recordPayment", "publishProjects", "createFair", "updateFair",
  "registerOrganization", "addSupervisor", "createAccount", "login", "logout",
];

export default {
  name: "AuditSection",
  components: { EmptyState, ErrorState, LoadingState },
  props: { fair: { type: Object, default: null } },
  data() {
    return {
      entries: [], total: 0, pageInfo: null, loading: true, more: false, error: "",
      filter: { action: "", actor: "", project: null },
      actorInput: "",
      actions: AUDIT_ACTIONS,
    };
  },
  created() {
    this.load();
  },
  methods: {
    variables(after) {
      return {
        after,
        action: this.filter.action || null,
        actor: this.filter.actor || null,
        project: this.filter.project?.id ?? null,
      };
    },
    async load(after = null) {
      if (after) this.more = true;
      else this.loading = true;
      this.error = "";
      try {
        const data = await gql(AUDIT, this.variables(after));
        const nodes = data.auditLog.edges.map((e) => e.node);
        this.entries = after ? [...this.entries, ...nodes] : nodes;
        this.total = data.auditLog.totalCount;
        this.pageInfo = data.auditLog.pageInfo;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
        this.more = false;
      }
    },
    apply() {
      this.filter.actor = this.actorInput.trim();
      this.load();
    },
    byActor(actor) {
      this.actorInput = actor;
      this.apply();
    },
    byProject(subject) {
      this.filter.project = { id: subject.projectId, title: subject.label };
      this.load();
    },
    clear() {
      this.filter = { action: "", actor: "", project: null };
      this.actorInput = "";
      this.load();
    },
    subjectText(s) {
      const kind = this.label("kind", s.kind);
      if (!s.label) return `${kind}（${this.t("audit.gone")}）`;
      if (s.kind === "Project") return s.label;
      return s.detail ? `${kind}：${s.detail} · ${s.label}` : `${kind}：${s.label}`;
    },
  },
  computed: {
    filtered() {
      return Boolean(this.filter.action || this.filter.actor || this.filter.project);
    },
  },
  template: `
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{{ t('console.audit') }} <span class="result-count">{{ count(total) }}</span></h2>
      <p class="hint">{{ t('audit.newestFirst') }}</p>
      <form class="audit-filters" role="search" :aria-label="t('audit.filters')" @submit.prevent="apply">
        <div class="field">
          <label for="audit-action">{{ t('audit.action') }}</label>
          <select id="audit-action" v-model="filter.action" @change="load()">
            <option value="">{{ t('audit.allActions') }}</option>
            <option v-for="a in actions" :key="a" :value="a">{{ label('action', a) }}</option>
          </select>
        </div>
        <div class="field">
          <label for="audit-actor">{{ t('audit.actor') }}</label>
          <input id="audit-actor" v-model="actorInput" type="search" :placeholder="t('audit.actorHint')" autocomplete="off">
        </div>
        <div class="filter-actions">
          <button type="submit" class="button secondary">{{ t('action.filter') }}</button>
          <button v-if="filtered" type="button" class="button link" @click="clear">{{ t('action.clearFilters') }}</button>
        </div>
      </form>
      <p v-if="filter.project" class="chips">
        <span class="chip">{{ t('audit.onlyProject', { title: filter.project.title }) }}
          <button type="button" class="button link small" :aria-label="t('audit.removeProject')" @click="filter.project = null; load()">×</button>
        </span>
      </p>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="() => load()" />
      <empty-state v-else-if="!entries.length" />
      <div v-else class="table-wrap">
        <table class="audit stack-on-phone">
          <caption class="visually-hidden">{{ t('console.audit') }}</caption>
          <thead><tr><th scope="col">{{ t('audit.at') }}</th><th scope="col">{{ t('audit.actor') }}</th><th scope="col">{{ t('audit.action') }}</th><th scope="col">{{ t('audit.subjects') }}</th></tr></thead>
          <tbody>
            <tr v-for="(e, i) in entries" :key="i">
              <td class="nowrap" :data-label="t('audit.at')">{{ dateTime(e.at) }}</td>
              <td :data-label="t('audit.actor')"><button type="button" class="button link small" :title="t('audit.byActor')" @click="byActor(e.actor)">{{ e.actor }}</button></td>
              <td :data-label="t('audit.action')">{{ label('action', e.action) }}</td>
              <td class="small" :data-label="t('audit.subjects')">
                <ul class="subject-list">
                  <li v-for="s in e.subjects" :key="s.id">
                    <a v-if="s.projectId && s.label" :href="href('/project/' + s.projectId)">{{ subjectText(s) }}</a>
                    <span v-else>{{ subjectText(s) }}</span>
                    <button v-if="s.kind === 'Project' && s.label && (!filter.project || filter.project.id !== s.projectId)" type="button" class="button link small" @click="byProject(s)">{{ t('audit.thisProject') }}</button>
                  </li>
                </ul>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
        <button type="button" class="button secondary" :disabled="more" @click="load(pageInfo.endCursor)">{{ t('action.loadMore') }}</button>
      </div>
    </section>`,
};
