// 审计日志 (organizer): who did what and when, in the order it happened.
import { gql, problemText } from "../api.js";
import { EmptyState, ErrorState, LoadingState } from "../components/states.js";

const AUDIT = `
query AuditLog($after: String) {
  auditLog(first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { at actor action subjectIds } }
  }
}`;

/** "UHJvamVjdDoxOA" → "Project:18": the kind and key inside an opaque Relay id. */
function decodeId(id) {
  try {
    const text = atob(id.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(id.length / 4) * 4, "="));
    return /^[A-Za-z]+:\w+$/.test(text) ? text.split(":") : null;
  } catch {
    return null;
  }
}

export default {
  name: "AuditSection",
  components: { EmptyState, ErrorState, LoadingState },
  props: { fair: { type: Object, default: null } },
  data() {
    return { entries: [], total: 0, pageInfo: null, loading: true, more: false, error: "" };
  },
  created() {
    this.load();
  },
  methods: {
    async load(after = null) {
      if (after) this.more = true;
      else this.loading = true;
      this.error = "";
      try {
        const data = await gql(AUDIT, { after });
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
    subject(id) {
      const decoded = decodeId(id);
      if (!decoded) return { text: id, link: null };
      const [kind, key] = decoded;
      const text = `${this.label("kind", kind)} #${key}`;
      return { text, link: kind === "Project" ? `/project/${id}` : null };
    },
  },
  template: `
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{{ t('console.audit') }} <span class="result-count">{{ count(total) }}</span></h2>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="() => load()" />
      <empty-state v-else-if="!entries.length" />
      <div v-else class="table-wrap">
        <table class="audit">
          <caption class="visually-hidden">{{ t('console.audit') }}</caption>
          <thead><tr><th scope="col">{{ t('audit.at') }}</th><th scope="col">{{ t('audit.actor') }}</th><th scope="col">{{ t('audit.action') }}</th><th scope="col">{{ t('audit.subjects') }}</th></tr></thead>
          <tbody>
            <tr v-for="(e, i) in entries" :key="i">
              <td class="nowrap">{{ dateTime(e.at) }}</td>
              <td>{{ e.actor }}</td>
              <td>{{ label('action', e.action) }}</td>
              <td class="small">
                <template v-for="id in e.subjectIds" :key="id">
                  <a v-if="subject(id).link" :href="href(subject(id).link)" class="inline-item">{{ subject(id).text }}</a>
                  <span v-else class="inline-item">{{ subject(id).text }}</span>
                </template>
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
