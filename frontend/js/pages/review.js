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
    projects(first: 10, after: $after, filter: { procurement: COMPETITIVE, status: [BIDDING] }) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        id code title budget serviceClass bidCount publisher { name } district { name }
        bids(first: 30) { edges { node {
          id amount managementFee socialWorkers plan submittedAt status score rank myReview { total at }
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
    return {
      me: null, fair: null, projects: [], pageInfo: null, loading: true, more: false, error: "", scored: {},
      open: {}, show: "todo",
    };
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
  computed: {
    /** Every bid still in the running, with whether this reviewer has scored it. */
    bids() {
      return this.projects.flatMap((p) => p.bids.edges.map((e) => e.node)).filter((b) => b.status === "SUBMITTED");
    },
    todoCount() {
      return this.bids.filter((b) => !this.isScored(b)).length;
    },
    doneCount() {
      return this.bids.length - this.todoCount;
    },
    shown() {
      return this.projects
        .map((project) => ({ project, bids: project.bids.edges.map((e) => e.node).filter((b) => this.wanted(b)) }))
        .filter((group) => group.bids.length);
    },
  },
  methods: {
    isScored(bid) {
      return Boolean(bid.myReview || this.scored[bid.id]);
    },
    wanted(bid) {
      if (bid.status !== "SUBMITTED") return this.show === "all";
      // A bid scored on this visit stays in view with its "saved" message until reload.
      if (this.show === "todo") return !bid.myReview || Boolean(this.scored[bid.id]);
      if (this.show === "done") return this.isScored(bid);
      return true;
    },
    toggle(bid) {
      this.open[bid.id] = !this.open[bid.id];
      if (this.open[bid.id]) this.$nextTick(() => document.getElementById(`score-${bid.id}-${this.fair.criteria[0]?.key}`)?.focus());
    },
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
      // Stays open on its "saved" message until the reviewer closes it or reloads.
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
        <template v-else>
          <div class="review-tally" role="group" :aria-label="t('review.show')">
            <button type="button" class="tally" :aria-pressed="show === 'todo'" @click="show = 'todo'">
              <span>{{ t('review.todo') }}</span><strong>{{ todoCount }}</strong></button>
            <button type="button" class="tally" :aria-pressed="show === 'done'" @click="show = 'done'">
              <span>{{ t('review.done') }}</span><strong>{{ doneCount }}</strong></button>
            <button type="button" class="tally" :aria-pressed="show === 'all'" @click="show = 'all'">
              <span>{{ t('review.all') }}</span><strong>{{ bids.length }}</strong></button>
            <p v-if="pageInfo && pageInfo.hasNextPage" class="hint">{{ t('review.partial', { shown: projects.length, total: fair.projects.totalCount }) }}</p>
          </div>
          <empty-state v-if="!shown.length" :text="show === 'todo' ? t('review.allDone') : t('review.none')" />
        </template>
        <section v-for="{ project, bids } in shown" :key="project.id" class="card review-project" :aria-labelledby="'rp-' + project.id">
          <h2 :id="'rp-' + project.id"><a :href="href('/project/' + project.id)">{{ project.title }}</a></h2>
          <p class="meta"><span>{{ project.code }}</span><span>{{ label('serviceClass', project.serviceClass) }}</span>
            <span>{{ project.publisher.name }} · {{ project.district.name }}</span><span>{{ t('project.budget') }} {{ yuan(project.budget) }}</span></p>
          <article v-for="bid in bids" :key="bid.id" class="bid-review" :aria-labelledby="'bid-' + bid.id">
            <div class="bid-review-head">
              <div class="bid-review-who">
                <h3 :id="'bid-' + bid.id">{{ bid.organization.name }}</h3>
                <p class="small muted"><span class="money">{{ yuan(bid.amount) }}</span>
                  · {{ t('bid.currentScore', { score: score(bid.score) }) }}<template v-if="bid.rank"> · {{ t('bid.rank', { n: bid.rank }) }}</template></p>
              </div>
              <span v-if="bid.status !== 'SUBMITTED'" class="badge" :class="'status-' + bid.status.toLowerCase()">{{ label('bidStatus', bid.status) }}</span>
              <span v-else-if="isScored(bid)" class="badge status-closed">{{ t('review.scoredBadge') }}<template v-if="bid.myReview && !scored[bid.id]"> {{ score(bid.myReview.total) }}</template></span>
              <span v-else class="badge status-bidding">{{ t('review.todo') }}</span>
              <button v-if="bid.status === 'SUBMITTED'" type="button" class="button" :class="{ secondary: isScored(bid) }"
                :aria-expanded="Boolean(open[bid.id])" :aria-controls="'sheet-' + bid.id" @click="toggle(bid)">
                {{ open[bid.id] ? t('review.close') : isScored(bid) ? t('review.rescore') : t('review.score') }}</button>
            </div>
            <div v-if="open[bid.id]" :id="'sheet-' + bid.id">
              <dl class="facts">
                <dt>{{ t('bid.managementFee') }}</dt><dd class="money">{{ yuan(bid.managementFee) }}</dd>
                <dt>{{ t('bid.socialWorkersShort') }}</dt><dd>{{ bid.socialWorkers }}（{{ t('org.socialWorkers', { n: bid.organization.socialWorkers }) }}，{{ bid.organization.grade || t('org.noGrade') }}）</dd>
                <dt>{{ t('bid.submittedAt') }}</dt><dd>{{ dateTime(bid.submittedAt) }}</dd>
                <dt>{{ t('bid.plan') }}</dt><dd class="prose">{{ bid.plan }}</dd>
              </dl>
              <score-sheet :bid="bid" :criteria="fair.criteria" @scored="(b) => onScored(project, b)" />
            </div>
          </article>
        </section>
        <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
          <button type="button" class="button secondary" :disabled="more" @click="load(pageInfo.endCursor)">{{ more ? t('state.loading') : t('action.loadMore') }}</button>
        </div>
      </template>
    </section>`,
};
