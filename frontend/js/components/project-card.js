// One project in the hall: budget, publisher, status, bids and the best-fitting organizations.
// The hall changes a card's status and bid count in place as events arrive; the card then
// marks itself for a moment so the change is seen.
import { StatusBadge } from "./states.js";

export const PROJECT_CARD_FIELDS = `
  id code title serviceClass procurement status budget bidCount keySupport minSocialWorkers community
  publisher { id name } district { id name }
  matchingOrganizations(first: 3) { score reasons organization { id name } }
`;

export const ProjectCard = {
  components: { StatusBadge },
  props: { project: { type: Object, required: true } },
  data() {
    return { justUpdated: false };
  },
  computed: {
    titleId() {
      return `project-${this.project.id}`;
    },
    bidsText() {
      const p = this.project;
      if (p.procurement === "DIRECT") {
        return p.bidCount ? this.t("card.claimed") : this.t("card.unclaimed");
      }
      return this.t("card.bids", { n: p.bidCount });
    },
    liveFigures() {
      return `${this.project.status}/${this.project.bidCount}`;
    },
  },
  watch: {
    liveFigures() {
      this.justUpdated = true;
      clearTimeout(this.updatedTimer);
      this.updatedTimer = setTimeout(() => (this.justUpdated = false), 3000);
    },
  },
  unmounted() {
    clearTimeout(this.updatedTimer);
  },
  template: `
    <article class="card project-card" :class="{ 'just-updated': justUpdated }" :aria-labelledby="titleId" :data-project-id="project.id">
      <div class="badges">
        <status-badge :status="project.status" />
        <span class="badge neutral">{{ label('procurement', project.procurement) }}</span>
        <span class="badge class-badge">{{ label('serviceClass', project.serviceClass) }}</span>
        <span v-if="project.keySupport" class="badge key">{{ t('project.keySupport') }}</span>
      </div>
      <h3 :id="titleId" class="card-title">
        <a :href="href('/project/' + project.id)">{{ project.title }}</a>
      </h3>
      <p class="meta">
        <span>{{ project.code }}</span>
        <span>{{ project.publisher.name }}</span>
        <span>{{ project.district.name }}<template v-if="project.community"> · {{ project.community }}</template></span>
      </p>
      <dl class="figures">
        <div><dt>{{ t('project.budget') }}</dt><dd class="money">{{ yuan(project.budget) }}</dd></div>
        <div><dt>{{ t('card.bidsLabel') }}</dt><dd class="bid-count">{{ bidsText }}</dd></div>
        <div><dt>{{ t('project.minSocialWorkers') }}</dt><dd>{{ t('unit.people', { n: project.minSocialWorkers }) }}</dd></div>
      </dl>
      <section v-if="project.matchingOrganizations.length" class="matches">
        <h4>{{ t('card.matches') }}</h4>
        <ol>
          <li v-for="match in project.matchingOrganizations" :key="match.organization.id">
            <span class="match-name">{{ match.organization.name }}</span>
            <span class="fit" :title="t('card.fit')">{{ percent(match.score) }}</span>
            <span class="reasons">{{ match.reasons.join('；') }}</span>
          </li>
        </ol>
      </section>
      <p v-else class="muted small">{{ t('card.noMatches') }}</p>
    </article>`,
};
