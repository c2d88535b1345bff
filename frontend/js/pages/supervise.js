// 督导 (supervisor accounts): the projects I follow, with their organization, progress,
// evaluations and payments.
import { gql, problemText } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { homeOf, session } from "../session.js";
import { percentDone } from "../components/lifecycle.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const MINE = `
query SupervisorProjects {
  me {
    username
    supervisor {
      id name title affiliation load maxLoad expertise districts { id name }
      projects {
        id code title status procurement budget community
        publisher { name } district { name }
        award { amount awardedAt organization { id name } }
        evaluations { stage score passed at }
        payments { tranche status amount }
      }
    }
  }
}`;

export default {
  name: "SupervisePage",
  components: { EmptyState, ErrorState, LoadingState, StatusBadge },
  data() {
    return { supervisor: null, loading: true, error: "" };
  },
  created() {
    document.title = t("title.supervise");
    if (!session.account) {
      navigate("/login", { next: "/supervise" });
      return;
    }
    if (!["SUPERVISOR", "REVIEWER"].includes(session.account.role)) {
      navigate(homeOf(session.account));
      return;
    }
    this.load();
  },
  methods: {
    async load() {
      this.loading = true;
      this.error = "";
      try {
        const data = await gql(MINE);
        this.supervisor = data.me?.supervisor ?? null;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    stepOf(project) {
      return percentDone(project);
    },
  },
  template: `
    <section class="page supervise">
      <header class="page-header">
        <h1>{{ t('supervise.title') }}</h1>
        <p v-if="supervisor" class="lead">{{ supervisor.name }}<template v-if="supervisor.title"> · {{ supervisor.title }}</template> · {{ supervisor.affiliation }}</p>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <p v-else-if="!supervisor" class="state state-empty">{{ t('supervise.notLinked') }}</p>
      <template v-else>
        <dl class="stat-tiles">
          <div><dt>{{ t('supervise.load') }}</dt><dd>{{ supervisor.load }} / {{ supervisor.maxLoad }}</dd></div>
          <div><dt>{{ t('supervise.expertise') }}</dt><dd class="small">{{ supervisor.expertise.map(c => label('serviceClass', c)).join('、') }}</dd></div>
          <div><dt>{{ t('org.districts') }}</dt><dd class="small">{{ supervisor.districts.map(d => d.name).join('、') }}</dd></div>
        </dl>
        <h2>{{ t('supervise.projects') }}</h2>
        <empty-state v-if="!supervisor.projects.length" :text="t('supervise.none')" />
        <div class="card-grid">
          <article v-for="p in supervisor.projects" :key="p.id" class="card" :aria-labelledby="'sp-' + p.id">
            <div class="badges"><status-badge :status="p.status" /><span class="badge class-badge">{{ label('procurement', p.procurement) }}</span></div>
            <h3 :id="'sp-' + p.id" class="card-title"><a :href="href('/project/' + p.id)">{{ p.title }}</a></h3>
            <p class="meta"><span>{{ p.code }}</span><span>{{ p.publisher.name }}</span><span>{{ p.district.name }}<template v-if="p.community"> · {{ p.community }}</template></span></p>
            <div class="progress small" role="progressbar" :aria-valuenow="stepOf(p)" aria-valuemin="0" aria-valuemax="100" :aria-label="t('lifecycle.title')">
              <span :style="{ width: stepOf(p) + '%' }"></span>
            </div>
            <dl class="facts">
              <dt>{{ t('award.organization') }}</dt><dd>{{ p.award ? p.award.organization.name : '—' }}</dd>
              <dt>{{ t('award.amount') }}</dt><dd class="money">{{ yuan(p.award ? p.award.amount : p.budget) }}</dd>
              <dt>{{ t('project.evaluations') }}</dt>
              <dd>
                <template v-if="p.evaluations.length">
                  <span v-for="e in p.evaluations" :key="e.stage" class="inline-item">{{ label('stage', e.stage) }} {{ score(e.score) }}（{{ e.passed ? t('evaluation.passed') : t('evaluation.failed') }}）</span>
                </template>
                <template v-else>{{ t('project.noEvaluations') }}</template>
              </dd>
              <dt>{{ t('payment.title') }}</dt>
              <dd>{{ t('me.paid', { paid: p.payments.filter(x => x.status === 'PAID').length, total: p.payments.length }) }}</dd>
            </dl>
          </article>
        </div>
      </template>
    </section>`,
};
