// 立项: the organizer (or the project's own publisher) awards a project —
// a DIRECT project's claim is confirmed, a COMPETITIVE one goes to its top-ranked bid.
import { sendAction } from "../api.js";

const AWARD = `
mutation AwardProject($project: ID!) {
  awardProject(project: $project) {
    award { amount awardedAt organization { id name } }
    project { id status }
    errors { code field message }
  }
}`;

export const AwardAction = {
  props: { project: { type: Object, required: true } },
  emits: ["awarded"],
  data() {
    return { sending: false, errors: [], done: null };
  },
  computed: {
    errorId() {
      return `award-errors-${this.project.id}`;
    },
  },
  methods: {
    async award() {
      const payload = await sendAction(this, AWARD, { project: this.project.id }, "awardProject");
      if (payload) {
        this.done = payload.award;
        this.$emit("awarded", payload);
      }
    },
  },
  template: `
    <div class="award-action">
      <p v-if="done" class="success" role="status">
        {{ t('award.done', { organization: done.organization.name, amount: yuan(done.amount) }) }}
      </p>
      <button v-else type="button" class="button" :disabled="sending" :aria-describedby="errorId" @click="award">
        {{ sending ? t('state.sending') : project.procurement === 'DIRECT' ? t('award.confirmClaim') : t('award.topBid') }}
      </button>
      <div :id="errorId" aria-live="polite">
        <p v-for="message in errors" :key="message" class="field-error">{{ message }}</p>
      </div>
    </div>`,
};
