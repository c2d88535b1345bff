// 更换督导 (organizers): the engine's alternatives for the project's supervisor, best fit
// first with the reasons, and the change made with a reason.
import { gql, problemText, sendAction } from "../api.js";

const CANDIDATES = `
query SupervisorCandidates($id: ID!) {
  project(id: $id) {
    id
    supervisorCandidates(first: 5) { fit reasons load maxLoad supervisor { id name title affiliation } }
  }
}`;

const REASSIGN = `
mutation ReassignSupervisor($project: ID!, $supervisor: ID!, $reason: String!) {
  reassignSupervisor(project: $project, supervisor: $supervisor, reason: $reason) {
    project { id supervisor { id name } }
    errors { code field message }
  }
}`;

export const ReassignSupervisor = {
  props: { project: { type: Object, required: true } },
  emits: ["reassigned"],
  data() {
    return { open: false, loading: false, candidates: [], chosen: "", reason: "", sending: false, errors: [] };
  },
  methods: {
    async show() {
      this.open = true;
      this.loading = true;
      this.errors = [];
      try {
        const data = await gql(CANDIDATES, { id: this.project.id });
        this.candidates = data.project?.supervisorCandidates ?? [];
        this.chosen = this.candidates[0]?.supervisor.id ?? "";
      } catch (error) {
        this.errors = [problemText(error)];
      } finally {
        this.loading = false;
      }
    },
    async send() {
      const variables = { project: this.project.id, supervisor: this.chosen, reason: this.reason };
      const payload = await sendAction(this, REASSIGN, variables, "reassignSupervisor");
      if (payload) {
        this.open = false;
        this.$emit("reassigned", payload);
      }
    },
  },
  template: `
    <div class="reassign-supervisor">
      <button v-if="!open" type="button" class="button secondary small" @click="show">{{ t('reassign.open') }}</button>
      <form v-else class="stacked-form" @submit.prevent="send">
        <fieldset>
          <legend>{{ t('reassign.candidates') }}</legend>
          <p v-if="loading" class="muted">{{ t('state.loading') }}</p>
          <p v-else-if="!candidates.length" class="muted">{{ t('reassign.none') }}</p>
          <label v-for="c in candidates" :key="c.supervisor.id" class="candidate">
            <input v-model="chosen" type="radio" name="reassign-supervisor" :value="c.supervisor.id">
            <span><strong>{{ c.supervisor.name }}</strong><template v-if="c.supervisor.title"> · {{ c.supervisor.title }}</template>
              <span class="fit">{{ t('reassign.fit', { fit: c.fit }) }}</span>
              <span class="small muted">{{ c.supervisor.affiliation }} · {{ t('reassign.load', { load: c.load, max: c.maxLoad }) }}</span>
              <span class="reasons">{{ c.reasons.join('；') }}</span></span>
          </label>
        </fieldset>
        <div class="field wide">
          <label for="reassign-reason">{{ t('reassign.reason') }}</label>
          <textarea id="reassign-reason" v-model="reason" rows="2" required maxlength="500" aria-describedby="reassign-errors"></textarea>
        </div>
        <div id="reassign-errors" aria-live="polite">
          <p v-for="message in errors" :key="message" class="field-error">{{ message }}</p>
        </div>
        <p class="actions">
          <button type="submit" class="button" :disabled="sending || !chosen">{{ sending ? t('state.sending') : t('reassign.submit') }}</button>
          <button type="button" class="button link" @click="open = false">{{ t('action.cancel') }}</button>
        </p>
      </form>
    </div>`,
};
