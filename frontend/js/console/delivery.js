// 评估与拨付 (organizer): the projects in delivery; record each due payment with its voucher
// number and each mid-term or final evaluation. The server pays out, terminates and
// writes the credit record as the rules say.
import { gql, problemText } from "../api.js";
import { EvaluationForm, PaymentTable } from "../components/delivery.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const DELIVERY = `
query ConsoleDelivery($after: String) {
  fair {
    id passMark evaluationComponents { key name weight }
    projects(first: 50, after: $after, filter: { status: [AWARDED, IN_DELIVERY] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title status
        award { amount organization { name } }
        supervisor { name }
        evaluations { stage score passed at }
        payments { tranche share amount dueOn status paidAt }
      } }
    }
  }
}`;

export default {
  name: "DeliverySection",
  components: { EmptyState, ErrorState, EvaluationForm, LoadingState, PaymentTable, StatusBadge },
  props: { fair: { type: Object, default: null } },
  data() {
    return { rules: null, projects: [], pageInfo: null, loading: true, error: "", open: null };
  },
  created() {
    this.load();
  },
  methods: {
    async load(after = null) {
      if (!after && !this.projects.length) this.loading = true;
      this.error = "";
      try {
        const data = await gql(DELIVERY, { after });
        this.rules = data.fair; // the pass mark and evaluation components
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
    dueCount(project) {
      return project.payments.filter((p) => p.status === "DUE").length;
    },
  },
  template: `
    <section aria-labelledby="delivery-title">
      <h2 id="delivery-title">{{ t('console.delivery') }}</h2>
      <p class="hint">{{ t('delivery.hint') }}</p>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="() => load()" />
      <empty-state v-else-if="!projects.length" :text="t('delivery.none')" />
      <div v-else class="stack">
        <details v-for="p in projects" :key="p.id" class="card delivery-item" :open="open === p.id" @toggle="(e) => { if (e.target.open) open = p.id }">
          <summary>
            <status-badge :status="p.status" />
            <strong>{{ p.title }}</strong>
            <span class="small muted">{{ p.award ? p.award.organization.name : '' }} · {{ p.award ? yuan(p.award.amount) : '' }}</span>
            <span v-if="dueCount(p)" class="badge status-bidding">{{ t('delivery.due', { n: dueCount(p) }) }}</span>
          </summary>
          <p class="meta"><span>{{ p.code }}</span><span>{{ t('project.supervisor') }}：{{ p.supervisor ? p.supervisor.name : t('project.noSupervisorShort') }}</span>
            <a :href="href('/project/' + p.id)">{{ t('delivery.openProject') }}</a></p>
          <h3>{{ t('payment.title') }}</h3>
          <payment-table :project="p" editable @changed="load()" />
          <h3>{{ t('evaluation.recordTitle') }}</h3>
          <ul v-if="p.evaluations.length" class="plain-list">
            <li v-for="e in p.evaluations" :key="e.stage">{{ label('stage', e.stage) }}：{{ score(e.score) }}（{{ e.passed ? t('evaluation.passed') : t('evaluation.failed') }}）</li>
          </ul>
          <evaluation-form :project="p" :parts="rules.evaluationComponents" :pass-mark="rules.passMark" @changed="load()" />
        </details>
      </div>
      <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
        <button type="button" class="button secondary" @click="load(pageInfo.endCursor)">{{ t('action.loadMore') }}</button>
      </div>
    </section>`,
};
