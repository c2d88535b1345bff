// 评审 (reviewer accounts): the competitive projects of the current fair that have bids,
// each bid with its plan and a score sheet on the fair's criteria and weights.
import { gql, problemText } from "../api.js";
import { t } from "../i18n.js";
import { navigate } from "../router.js";
import { homeOf, session } from "../session.js";
import { ScoreSheet } from "../components/score-sheet.js";
import { EmptyState, ErrorState, LoadingState } from "../components/states.js";

const QUEUE = `
query ReviewQueue($after: String) {
  me { username supervisor { id name title affiliation } }
  fair {
    id name isOpen closesAt criteria { key name weight }
    projects(first: 20, after: $after, filter: { procurement: COMPETITIVE, status: [BIDDING] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title budget serviceClass bidCount publisher { name } district { name }
        bids(first: 30) { edges { node {
          id amount managementFee socialWorkers plan submittedAt status score rank
          organization { id name grade socialWorkers }
        } } }
      } }
    }
  }
}`;

export default {
  name: "ReviewPage",
  components: { EmptyState, ErrorState, LoadingState, ScoreSheet },
  data() {
    return { me: null, fair: null, projects: [], pageInfo: null, loading: true, more: false, error: "", scored: {} };
  },
  created() {
    document.title = t("title.review");
    if (!session.account) {
      navigate("/login", { next: "/review" });
      return;
    }
    if (session.account.role !== "REVIEWER") {
      navigate(homeOf(session.account));
      return;
    }
    this.load();
  },
  methods: {
    async load(after = null) {
      if (after) this.more = true;
      else this.loading = true;
      this.error = "";
      try {
        const data = await gql(QUEUE, { after });
        this.me = data.me;
        this.fair = data.fair;
        const connection = data.fair?.projects;
        const nodes = connection ? connection.edges.map((e) => e.node) : [];
        this.projects = after ? [...this.projects, ...nodes] : nodes;
        this.pageInfo = connection?.pageInfo ?? null;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
        this.more = false;
      }
    },
    onScored(project, bid) {
      this.scored[bid.id] = true;
      // Ranks of the other bids move with this one: read the project's bids again.
      const target = project.bids.edges.find((e) => e.node.id === bid.id);
      if (target) Object.assign(target.node, bid);
      this.refreshProject(project);
    },
    async refreshProject(project) {
      try {
        const data = await gql(
          `query ReviewProject($id: ID!) { project(id: $id) { id bids(first: 30) { edges { node { id score rank status } } } } }`,
          { id: project.id },
        );
        for (const { node } of data.project.bids.edges) {
          const bid = project.bids.edges.find((e) => e.node.id === node.id);
          if (bid) Object.assign(bid.node, node);
        }
      } catch {
        // the sheet is saved; the ranks show on the next visit
      }
    },
  },
  template: `
    <section class="page review">
      <header class="page-header">
        <h1>{{ t('review.title') }}</h1>
        <p v-if="me && me.supervisor" class="lead">{{ me.supervisor.name }}<template v-if="me.supervisor.title"> · {{ me.supervisor.title }}</template> · {{ me.supervisor.affiliation }}</p>
      </header>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="() => load()" />
      <p v-else-if="!fair" class="state state-empty">{{ t('hall.noFair') }}</p>
      <template v-else>
        <section class="card" aria-labelledby="criteria-title">
          <h2 id="criteria-title">{{ t('review.criteria', { fair: fair.name }) }}</h2>
          <ul class="criteria-list">
            <li v-for="c in fair.criteria" :key="c.key"><span>{{ c.name }}</span><span class="weight" :style="{ '--w': c.weight + '%' }">{{ t('criteria.weight', { w: c.weight }) }}</span></li>
          </ul>
          <p class="hint">{{ t('review.rules') }}</p>
        </section>
        <empty-state v-if="!projects.length" :text="t('review.none')" />
        <section v-for="project in projects" :key="project.id" class="card review-project" :aria-labelledby="'rp-' + project.id">
          <h2 :id="'rp-' + project.id"><a :href="href('/project/' + project.id)">{{ project.title }}</a></h2>
          <p class="meta"><span>{{ project.code }}</span><span>{{ label('serviceClass', project.serviceClass) }}</span>
            <span>{{ project.publisher.name }} · {{ project.district.name }}</span><span>{{ t('project.budget') }} {{ yuan(project.budget) }}</span></p>
          <details v-for="{ node: bid } in project.bids.edges" :key="bid.id" class="bid-review">
            <summary>
              <strong>{{ bid.organization.name }}</strong>
              <span class="money">{{ yuan(bid.amount) }}</span>
              <span class="small muted">{{ t('bid.currentScore', { score: score(bid.score) }) }}<template v-if="bid.rank"> · {{ t('bid.rank', { n: bid.rank }) }}</template></span>
              <span v-if="scored[bid.id]" class="badge status-closed">{{ t('review.scoredBadge') }}</span>
            </summary>
            <dl class="facts">
              <dt>{{ t('bid.managementFee') }}</dt><dd class="money">{{ yuan(bid.managementFee) }}</dd>
              <dt>{{ t('bid.socialWorkersShort') }}</dt><dd>{{ bid.socialWorkers }}（{{ t('org.socialWorkers', { n: bid.organization.socialWorkers }) }}，{{ bid.organization.grade || t('org.noGrade') }}）</dd>
              <dt>{{ t('bid.submittedAt') }}</dt><dd>{{ dateTime(bid.submittedAt) }}</dd>
              <dt>{{ t('bid.plan') }}</dt><dd class="prose">{{ bid.plan }}</dd>
            </dl>
            <score-sheet :bid="bid" :criteria="fair.criteria" @scored="(b) => onScored(project, b)" />
          </details>
        </section>
        <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
          <button type="button" class="button secondary" :disabled="more" @click="load(pageInfo.endCursor)">{{ more ? t('state.loading') : t('action.loadMore') }}</button>
        </div>
      </template>
    </section>`,
};
