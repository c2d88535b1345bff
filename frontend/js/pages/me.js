// 我的工作台 (organization accounts): my bids and claims, the projects awarded to us,
// projects recommended for us, and our credit record.
import { gql, problemText } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { homeOf, session } from "../session.js";
import { EmptyState, ErrorState, LoadingState, StatusBadge } from "../components/states.js";

const DASHBOARD = `
query OrganizationDashboard {
  me {
    username role
    organization {
      id name creditCode registrationKind socialWorkers grade restrictedUntil serviceClasses
      districts { id name }
      creditRecord { at kind note project { id title } }
      projects {
        id code title status budget
        award { amount awardedAt }
        supervisor { name }
        payments { tranche amount status }
        evaluations { stage score passed }
      }
      bids(first: 100) {
        edges { node {
          id amount managementFee status submittedAt score rank releaseNotice
          project { id code title procurement status budget bidCount }
        } }
      }
      matchingProjects(first: 6) {
        score reasons
        project { id code title budget status procurement bidCount publisher { name } district { name } }
      }
    }
  }
}`;

export default {
  name: "MePage",
  components: { EmptyState, ErrorState, LoadingState, StatusBadge },
  data() {
    return { data: null, loading: true, error: "" };
  },
  computed: {
    account() {
      return session.account;
    },
    organization() {
      return this.data?.me?.organization ?? null;
    },
    /** My claims and bids still in play, and those released because their project was
     * withdrawn (with the reason), newest first; not those I withdrew myself. */
    myBids() {
      const bids = this.organization?.bids.edges.map((e) => e.node) ?? [];
      return bids
        .filter((bid) => bid.status === "SUBMITTED" || bid.releaseNotice)
        .reverse()
        .map((bid) => ({ project: bid.project, bid }));
    },
  },
  created() {
    document.title = t("title.me");
    if (!this.account) {
      navigate("/login", { next: "/me" });
      return;
    }
    if (this.account.role !== "ORGANIZATION") {
      navigate(homeOf(this.account));
      return;
    }
    this.load();
  },
  methods: {
    async load() {
      this.loading = true;
      this.error = "";
      try {
        this.data = await gql(DASHBOARD);
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
  },
  template: `
    <section class="page dashboard">
      <header class="page-header">
        <h1>{{ t('me.title') }}</h1>
        <p v-if="organization" class="lead">{{ organization.name }}</p>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <p v-else-if="!organization" class="state state-empty">{{ t('me.noOrganization') }}</p>
      <template v-else>
        <p v-if="organization.restrictedUntil" class="form-alert" role="alert">
          {{ t('me.restricted', { until: date(organization.restrictedUntil) }) }}
        </p>
        <div class="two-columns">
          <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">{{ t('me.profile') }}</h2>
            <dl class="facts">
              <dt>{{ t('org.creditCode') }}</dt><dd><code>{{ organization.creditCode }}</code></dd>
              <dt>{{ t('org.registration') }}</dt><dd>{{ label('registrationKind', organization.registrationKind) }}</dd>
              <dt>{{ t('org.grade') }}</dt><dd>{{ organization.grade || t('org.noGrade') }}</dd>
              <dt>{{ t('org.socialWorkersLabel') }}</dt><dd>{{ t('unit.people', { n: organization.socialWorkers }) }}</dd>
              <dt>{{ t('org.serviceClasses') }}</dt><dd>{{ organization.serviceClasses.map(c => label('serviceClass', c)).join('、') }}</dd>
              <dt>{{ t('org.districts') }}</dt><dd>{{ organization.districts.map(d => d.name).join('、') }}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="credit-title">
            <h2 id="credit-title">{{ t('me.credit') }}</h2>
            <empty-state v-if="!organization.creditRecord.length" :text="t('me.creditClean')" />
            <ul v-else class="plain-list">
              <li v-for="(entry, i) in organization.creditRecord" :key="i" class="row-item">
                <span class="badge" :class="entry.kind === 'EVALUATION_PASSED' || entry.kind === 'COMMENDED' ? 'status-closed' : 'status-terminated'">{{ label('creditKind', entry.kind) }}</span>
                {{ entry.note }}
                <a v-if="entry.project" :href="href('/project/' + entry.project.id)">{{ entry.project.title }}</a>
                <span class="muted small">{{ date(entry.at) }}</span>
              </li>
            </ul>
          </section>
        </div>

        <section class="card" aria-labelledby="mybids-title">
          <h2 id="mybids-title">{{ t('me.bids') }} <span class="result-count">{{ myBids.length }}</span></h2>
          <empty-state v-if="!myBids.length" :text="t('me.noBids')" />
          <div v-else class="table-wrap">
            <table class="stack-on-phone">
              <caption class="visually-hidden">{{ t('me.bids') }}</caption>
              <thead><tr>
                <th scope="col">{{ t('project.title') }}</th><th scope="col">{{ t('project.procurement') }}</th>
                <th scope="col">{{ t('bid.amount') }}</th><th scope="col">{{ t('bid.managementFee') }}</th>
                <th scope="col">{{ t('bid.status') }}</th><th scope="col">{{ t('bid.score') }}</th><th scope="col">{{ t('bid.submittedAt') }}</th>
              </tr></thead>
              <tbody>
                <tr v-for="{ project, bid } in myBids" :key="bid.id">
                  <td :data-label="t('project.title')"><a :href="href('/project/' + project.id)">{{ project.title }}</a><br><span class="small muted">{{ project.code }}</span></td>
                  <td :data-label="t('project.procurement')">{{ label('procurement', project.procurement) }}</td>
                  <td class="money" :data-label="t('bid.amount')">{{ yuan(bid.amount) }}</td>
                  <td class="money" :data-label="t('bid.managementFee')">{{ yuan(bid.managementFee) }}</td>
                  <td :data-label="t('bid.status')">{{ label('bidStatus', bid.status) }} · <status-badge :status="project.status" />
                    <span v-if="bid.releaseNotice" class="release-notice">{{ t('bid.released', { reason: bid.releaseNotice }) }}</span></td>
                  <td :data-label="t('bid.score')">{{ score(bid.score) }}<template v-if="bid.rank"> · {{ t('bid.rank', { n: bid.rank }) }}</template></td>
                  <td :data-label="t('bid.submittedAt')">{{ dateTime(bid.submittedAt) }}</td>
                </tr>
              </tbody>
            </table>
          </div>
        </section>

        <section class="card" aria-labelledby="myprojects-title">
          <h2 id="myprojects-title">{{ t('me.projects') }} <span class="result-count">{{ organization.projects.length }}</span></h2>
          <p><a :href="href('/organization/' + organization.id)">{{ t('record.link') }}</a></p>
          <empty-state v-if="!organization.projects.length" :text="t('me.noProjects')" />
          <ul v-else class="plain-list">
            <li v-for="p in organization.projects" :key="p.id" class="row-item">
              <a :href="href('/project/' + p.id)"><strong>{{ p.title }}</strong></a>
              <status-badge :status="p.status" />
              <span class="small muted">
                {{ p.code }} · {{ t('award.amount') }} {{ yuan(p.award ? p.award.amount : p.budget) }}
                · {{ t('project.supervisor') }}：{{ p.supervisor ? p.supervisor.name : t('project.noSupervisorShort') }}
                · {{ t('me.paid', { paid: p.payments.filter(x => x.status === 'PAID').length, total: p.payments.length }) }}
              </span>
            </li>
          </ul>
        </section>

        <section class="card" aria-labelledby="recommended-title">
          <h2 id="recommended-title">{{ t('me.recommended') }}</h2>
          <empty-state v-if="!organization.matchingProjects.length" :text="t('me.noRecommended')" />
          <ol v-else class="plain-list">
            <li v-for="m in organization.matchingProjects" :key="m.project.id" class="row-item">
              <a :href="href('/project/' + m.project.id)"><strong>{{ m.project.title }}</strong></a>
              <span class="fit">{{ percent(m.score) }}</span>
              <span class="small muted">{{ yuan(m.project.budget) }} · {{ label('procurement', m.project.procurement) }} · {{ m.project.publisher.name }} · {{ m.project.district.name }}</span>
              <span class="reasons">{{ m.reasons.join('；') }}</span>
            </li>
          </ol>
        </section>
      </template>
    </section>`,
};
