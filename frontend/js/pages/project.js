// One project: what it is, where it stands in its lifecycle, its bids (for those who may
// see them), its award, supervisor, evaluations and payments; the claim form for
// organizations; award and delivery actions for the organizer and the publisher.
import { gql, mutate, problemText } from "../api.js";
import { t } from "../i18n.js";
import { route } from "../router.js";
import { hasRole, session } from "../session.js";
import { AwardAction } from "../components/award-action.js";
import { ReassignSupervisor } from "../components/reassign-supervisor.js";
import { WithdrawProject } from "../components/withdraw-project.js";
import { BID_FIELDS, BidForm } from "../components/bid-form.js";
import { EvaluationForm, PaymentTable } from "../components/delivery.js";
import { SATISFACTION_FIELDS, SurveyPanel } from "../components/survey-panel.js";
import { Lifecycle } from "../components/lifecycle.js";
import { ErrorState, LoadingState, StatusBadge } from "../components/states.js";
import { updateHallProject } from "./hall.js";

const PROJECT = `
query ProjectPage($id: ID!) {
  project(id: $id) {
    id code title description serviceClass projectType procurement status budget cityFunding districtFunding
    minSocialWorkers keySupport servicePeriodMonths beneficiaries beneficiaryCount qualifications
    communityOpinion community publishedAt bidCount withdrawnAt withdrawalReason
    fair { id name edition isOpen opensAt closesAt passMark criteria { key name weight } evaluationComponents { key name weight } }
    publisher { id name kind } district { id name } catalogItem { code name }
    bids(first: 50) { totalCount edges { node { ${BID_FIELDS} } } }
    award { amount awardedAt organization { id name } bid { id score rank } }
    supervisor { id name title affiliation }
    evaluations { stage score passed at }
    payments { tranche share amount dueOn status paidAt }
    matchingOrganizations(first: 5) { score reasons organization { id name grade socialWorkers } }
    satisfaction { ${SATISFACTION_FIELDS} }
  }
}`;

const WITHDRAW = `
mutation WithdrawBid($bid: ID!) {
  withdrawBid(bid: $bid) { bid { id status } errors { code field message } }
}`;

export default {
  name: "ProjectPage",
  components: { AwardAction, BidForm, ErrorState, EvaluationForm, Lifecycle, LoadingState, PaymentTable, ReassignSupervisor, StatusBadge, SurveyPanel, WithdrawProject },
  data() {
    return { project: null, loading: true, error: "", notFound: false, notice: "", withdrawing: null, withdrawErrors: [], confirmWithdraw: null };
  },
  computed: {
    id() {
      return route.parts[1];
    },
    account() {
      return session.account;
    },
    bids() {
      return this.project.bids.edges.map((e) => e.node);
    },
    /** Withdrawn rows shown in the table: bidCount counts only bids still in the running,
     * so the heading says both, and never "0 家" above a 已撤回 row. */
    withdrawnShown() {
      return this.bids.filter((b) => b.status === "WITHDRAWN").length;
    },
    myBid() {
      const org = this.account?.organization;
      return org ? this.bids.find((b) => b.organization.id === org.id && b.status !== "WITHDRAWN") : null;
    },
    canClaim() {
      const p = this.project;
      if (!hasRole("ORGANIZATION") || !this.account.organization || !p.fair.isOpen || this.myBid) return false;
      return p.procurement === "DIRECT" ? p.status === "PUBLISHED" : ["PUBLISHED", "BIDDING"].includes(p.status);
    },
    claimHint() {
      const p = this.project;
      const open = p.procurement === "DIRECT" ? p.status === "PUBLISHED" : ["PUBLISHED", "BIDDING"].includes(p.status);
      if (this.myBid || this.canClaim) return null;
      if (!p.fair.isOpen && ["PUBLISHED", "BIDDING"].includes(p.status)) return "closed";
      if (!open) return hasRole("ORGANIZATION") ? "taken" : null;
      if (!session.account) return "login";
      return null;
    },
    manages() {
      if (hasRole("ORGANIZER")) return true;
      return hasRole("PUBLISHER") && this.account.publisher?.id === this.project.publisher.id;
    },
    awardable() {
      const p = this.project;
      return this.manages && ((p.procurement === "DIRECT" && p.status === "CLAIMED") || (p.procurement === "COMPETITIVE" && p.status === "BIDDING"));
    },
    // Nobody has it yet: PUBLISHED, or a COMPETITIVE project with bids but no award.
    withdrawable() {
      const p = this.project;
      return this.manages && (p.status === "PUBLISHED" || (p.procurement === "COMPETITIVE" && p.status === "BIDDING"));
    },
    reassignable() {
      return hasRole("ORGANIZER") && this.project.supervisor && ["AWARDED", "IN_DELIVERY"].includes(this.project.status);
    },
    // Organizations' records are for organizers and publishers (and each organization's own).
    seesRecords() {
      return hasRole("ORGANIZER") || hasRole("PUBLISHER");
    },
    inDelivery() {
      return hasRole("ORGANIZER") && ["AWARDED", "IN_DELIVERY"].includes(this.project.status);
    },
    bidsHidden() {
      return this.project.bidCount > 0 && this.bids.length === 0;
    },
  },
  watch: {
    id() {
      if (route.parts[0] === "project") this.load();
    },
    account() {
      this.load();
    },
  },
  created() {
    this.load();
  },
  methods: {
    async load() {
      this.error = "";
      this.notFound = false;
      try {
        const data = await gql(PROJECT, { id: this.id });
        this.project = data.project;
        this.notFound = !data.project;
        document.title = data.project ? `${data.project.title} · ${t("site.short")}` : t("title.notFound");
        if (data.project) updateHallProject(cardFields(data.project));
      } catch (error) {
        if (error.code === "NOT_FOUND") this.notFound = true;
        else this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    async claimed() {
      const notice = this.project.procurement === "DIRECT" ? t("bid.claimedNotice") : t("bid.bidNotice");
      await this.load();
      this.notice = notice;
      this.$nextTick(() => this.$refs.notice?.focus());
    },
    async awarded() {
      await this.load();
    },
    async changed(notice) {
      await this.load();
      this.notice = notice;
      this.$nextTick(() => this.$refs.notice?.focus());
    },
    async withdraw(bid) {
      this.withdrawing = bid.id;
      this.withdrawErrors = [];
      try {
        const result = await mutate(WITHDRAW, { bid: bid.id }, "withdrawBid");
        if (result.ok) {
          this.notice = t("bid.withdrawnNotice");
          this.confirmWithdraw = null;
          await this.load();
        } else {
          this.withdrawErrors = result.errors.map((e) => e.text);
        }
      } catch (error) {
        this.withdrawErrors = [problemText(error)];
      } finally {
        this.withdrawing = null;
      }
    },
  },
  template: `
    <section class="page project-page">
      <p class="breadcrumb"><a :href="href('/hall')">← {{ t('nav.hall') }}</a></p>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <div v-else-if="notFound" class="state state-empty">
        <h1>{{ t('project.notFound') }}</h1>
        <p><a :href="href('/hall')">{{ t('nav.backToHall') }}</a></p>
      </div>
      <template v-else>
        <header class="page-header">
          <div class="badges">
            <status-badge :status="project.status" />
            <span class="badge neutral">{{ label('procurement', project.procurement) }}</span>
            <span class="badge class-badge">{{ label('serviceClass', project.serviceClass) }}</span>
            <span v-if="project.keySupport" class="badge key">{{ t('project.keySupport') }}</span>
          </div>
          <h1>{{ project.title }}</h1>
          <p class="meta"><span>{{ project.code }}</span><span>{{ project.fair.name }}</span></p>
        </header>

        <p v-if="notice" ref="notice" class="success notice" role="status" tabindex="-1">{{ notice }}</p>

        <lifecycle :project="project" />

        <section v-if="project.status === 'WITHDRAWN'" class="card withdrawn-card" aria-labelledby="withdrawn-title">
          <h2 id="withdrawn-title">{{ t('withdrawProject.title') }}</h2>
          <p><span v-if="project.withdrawnAt" class="muted">{{ dateTime(project.withdrawnAt) }} · </span>{{ project.withdrawalReason }}</p>
        </section>

        <div class="two-columns">
          <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">{{ t('project.facts') }}</h2>
            <dl class="facts">
              <dt>{{ t('project.budget') }}</dt><dd class="money strong">{{ yuan(project.budget) }}</dd>
              <template v-if="project.cityFunding || project.districtFunding">
                <dt>{{ t('project.funding') }}</dt>
                <dd>{{ t('project.fundingSplit', { city: yuan(project.cityFunding), district: yuan(project.districtFunding) }) }}</dd>
              </template>
              <dt>{{ t('project.publisher') }}</dt><dd>{{ project.publisher.name }}（{{ label('publisherKind', project.publisher.kind) }}）</dd>
              <dt>{{ t('project.place') }}</dt><dd>{{ project.district.name }}<template v-if="project.community"> · {{ project.community }}</template></dd>
              <dt>{{ t('project.projectType') }}</dt><dd>{{ label('projectType', project.projectType) }}</dd>
              <dt>{{ t('project.catalogItem') }}</dt><dd>{{ project.catalogItem.name }}（{{ project.catalogItem.code }}）</dd>
              <dt>{{ t('project.period') }}</dt><dd>{{ t('unit.months', { n: project.servicePeriodMonths }) }}</dd>
              <dt>{{ t('project.beneficiaries') }}</dt>
              <dd>{{ project.beneficiaries }}<template v-if="project.beneficiaryCount">（{{ t('unit.persons', { n: count(project.beneficiaryCount) }) }}）</template></dd>
              <dt>{{ t('project.minSocialWorkers') }}</dt><dd>{{ t('unit.people', { n: project.minSocialWorkers }) }}</dd>
              <template v-if="project.qualifications"><dt>{{ t('project.qualifications') }}</dt><dd>{{ project.qualifications }}</dd></template>
              <dt>{{ t('project.publishedAt') }}</dt><dd>{{ dateTime(project.publishedAt) }}</dd>
              <dt>{{ t('project.window') }}</dt><dd>{{ dateTime(project.fair.opensAt) }} – {{ dateTime(project.fair.closesAt) }}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="need-title">
            <h2 id="need-title">{{ t('project.description') }}</h2>
            <p class="prose">{{ project.description }}</p>
            <template v-if="project.communityOpinion">
              <h3>{{ t('project.communityOpinion') }}</h3>
              <p class="prose">{{ project.communityOpinion }}</p>
            </template>
          </section>
        </div>

        <bid-form v-if="canClaim" :project="project" :organization="account.organization" @claimed="claimed" />
        <p v-else-if="claimHint === 'login'" class="card hint-card">
          {{ t('project.loginToClaim') }} <a :href="href('/login', { next: route.path })">{{ t('nav.login') }}</a>
        </p>
        <p v-else-if="claimHint === 'closed'" class="card hint-card">{{ t('project.fairClosed') }}</p>
        <p v-else-if="claimHint === 'taken'" class="card hint-card">{{ t('project.notOpen') }}</p>

        <section v-if="manages && (awardable || withdrawable)" class="card" aria-labelledby="manage-title">
          <h2 id="manage-title">{{ t('project.manage') }}</h2>
          <award-action v-if="awardable" :project="project" @awarded="awarded" />
          <p v-else class="muted">{{ t('project.waitingForClaims') }}</p>
          <withdraw-project v-if="withdrawable" :project="project" @withdrawn="changed(t('withdrawProject.done'))" />
        </section>

        <section class="card" aria-labelledby="bids-title">
          <h2 id="bids-title">{{ project.procurement === 'DIRECT' ? t('project.claims') : t('project.bids') }}
            <span class="result-count">{{ withdrawnShown ? t('project.bidsActive', { n: project.bidCount, w: withdrawnShown }) : t('card.bids', { n: project.bidCount }) }}</span></h2>
          <p v-if="bidsHidden" class="muted">{{ t('project.bidsHidden') }}</p>
          <p v-else-if="!bids.length" class="muted">{{ t('project.noBids') }}</p>
          <div v-else class="table-wrap">
            <table class="stack-on-phone">
              <caption class="visually-hidden">{{ t('project.bids') }}</caption>
              <thead><tr>
                <th scope="col">{{ t('bid.organization') }}</th><th scope="col">{{ t('bid.amount') }}</th>
                <th scope="col">{{ t('bid.managementFee') }}</th><th scope="col">{{ t('bid.socialWorkersShort') }}</th>
                <th scope="col">{{ t('bid.status') }}</th><th scope="col">{{ t('bid.score') }}</th>
                <th scope="col">{{ t('bid.submittedAt') }}</th><th scope="col"><span class="visually-hidden">{{ t('payment.action') }}</span></th>
              </tr></thead>
              <tbody>
                <tr v-for="bid in bids" :key="bid.id">
                  <td :data-label="t('bid.organization')"><a v-if="seesRecords" :href="href('/organization/' + bid.organization.id)">{{ bid.organization.name }}</a><template v-else>{{ bid.organization.name }}</template></td>
                  <td class="money" :data-label="t('bid.amount')">{{ yuan(bid.amount) }}</td>
                  <td class="money" :data-label="t('bid.managementFee')">{{ yuan(bid.managementFee) }}</td>
                  <td :data-label="t('bid.socialWorkersShort')">{{ bid.socialWorkers }}</td>
                  <td :data-label="t('bid.status')">{{ label('bidStatus', bid.status) }}<span v-if="bid.releaseNotice" class="release-notice">{{ t('bid.released', { reason: bid.releaseNotice }) }}</span></td>
                  <td :data-label="t('bid.score')">{{ score(bid.score) }}<template v-if="bid.rank"> · {{ t('bid.rank', { n: bid.rank }) }}</template></td>
                  <td :data-label="t('bid.submittedAt')">{{ dateTime(bid.submittedAt) }}</td>
                  <td>
                    <template v-if="myBid && bid.id === myBid.id && bid.status === 'SUBMITTED' && project.fair.isOpen">
                      <button v-if="confirmWithdraw !== bid.id" type="button" class="button small secondary" @click="confirmWithdraw = bid.id">{{ t('bid.withdraw') }}</button>
                      <span v-else class="inline-confirm">
                        {{ t('bid.withdrawConfirm') }}
                        <button type="button" class="button small danger" :disabled="withdrawing === bid.id" @click="withdraw(bid)">{{ t('action.confirm') }}</button>
                        <button type="button" class="button small link" @click="confirmWithdraw = null">{{ t('action.cancel') }}</button>
                      </span>
                    </template>
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          <p v-for="message in withdrawErrors" :key="message" class="field-error" role="alert">{{ message }}</p>
          <details v-if="project.procurement === 'COMPETITIVE'" class="criteria">
            <summary>{{ t('project.criteria') }}</summary>
            <ul><li v-for="c in project.fair.criteria" :key="c.key">{{ c.name }} — {{ t('criteria.weight', { w: c.weight }) }}</li></ul>
          </details>
        </section>

        <div class="two-columns">
          <section class="card" aria-labelledby="award-title">
            <h2 id="award-title">{{ t('project.award') }}</h2>
            <dl v-if="project.award" class="facts">
              <dt>{{ t('award.organization') }}</dt><dd class="strong"><a v-if="seesRecords" :href="href('/organization/' + project.award.organization.id)">{{ project.award.organization.name }}</a><template v-else>{{ project.award.organization.name }}</template></dd>
              <dt>{{ t('award.amount') }}</dt><dd class="money">{{ yuan(project.award.amount) }}</dd>
              <dt>{{ t('award.at') }}</dt><dd>{{ dateTime(project.award.awardedAt) }}</dd>
              <template v-if="project.award.bid.score !== null">
                <dt>{{ t('bid.score') }}</dt><dd>{{ score(project.award.bid.score) }} · {{ t('bid.rank', { n: project.award.bid.rank }) }}</dd>
              </template>
            </dl>
            <p v-else class="muted">{{ t('project.noAward') }}</p>
          </section>
          <section class="card" aria-labelledby="supervisor-title">
            <h2 id="supervisor-title">{{ t('project.supervisor') }}</h2>
            <p v-if="project.supervisor"><strong>{{ project.supervisor.name }}</strong>
              <template v-if="project.supervisor.title"> · {{ project.supervisor.title }}</template><br>
              <span class="muted">{{ project.supervisor.affiliation }}</span></p>
            <p v-else class="muted">{{ t('project.noSupervisor') }}</p>
            <reassign-supervisor v-if="reassignable" :project="project" @reassigned="changed(t('reassign.done'))" />
          </section>
        </div>

        <div class="two-columns">
          <section class="card" aria-labelledby="evaluations-title">
            <h2 id="evaluations-title">{{ t('project.evaluations') }}</h2>
            <p v-if="!project.evaluations.length" class="muted">{{ t('project.noEvaluations') }}</p>
            <ul v-else class="plain-list">
              <li v-for="e in project.evaluations" :key="e.stage">
                <strong>{{ label('stage', e.stage) }}</strong>：{{ score(e.score) }}
                <span class="badge" :class="e.passed ? 'status-closed' : 'status-terminated'">{{ e.passed ? t('evaluation.passed') : t('evaluation.failed') }}</span>
                <span class="muted small">{{ dateTime(e.at) }}</span>
              </li>
            </ul>
            <template v-if="inDelivery">
              <h3>{{ t('evaluation.recordTitle') }}</h3>
              <evaluation-form :project="project" :parts="project.fair.evaluationComponents" :pass-mark="project.fair.passMark" :satisfaction="project.satisfaction" @changed="load" />
            </template>
          </section>
          <section class="card" aria-labelledby="payments-title">
            <h2 id="payments-title">{{ t('payment.title') }}</h2>
            <payment-table :project="project" :editable="inDelivery" @changed="load" />
          </section>
        </div>

        <survey-panel v-if="project.satisfaction || (manages && project.status === 'IN_DELIVERY')" :project="project" :manages="manages" @changed="load" />

        <section v-if="project.matchingOrganizations.length" class="card" aria-labelledby="matches-title">
          <h2 id="matches-title">{{ t('card.matches') }}</h2>
          <ol class="plain-list matches">
            <li v-for="m in project.matchingOrganizations" :key="m.organization.id">
              <strong>{{ m.organization.name }}</strong>
              <span class="fit">{{ percent(m.score) }}</span>
              <span class="small muted">{{ m.organization.grade || t('org.noGrade') }} · {{ t('org.socialWorkers', { n: m.organization.socialWorkers }) }}</span>
              <span class="reasons">{{ m.reasons.join('；') }}</span>
            </li>
          </ol>
        </section>
      </template>
    </section>`,
};

/** The fields a hall card shows, from the project page's answer. */
function cardFields(project) {
  const { id, status, bidCount } = project;
  return { id, status, bidCount };
}
