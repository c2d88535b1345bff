// 撤回项目: the project's publisher or the organizer takes a project nobody has claimed or
// been awarded off the table, with a reason; bids on it are released and their
// organizations see the reason.
import { sendAction } from "../api.js";

const WITHDRAW_PROJECT = `
mutation WithdrawProject($project: ID!, $reason: String!) {
  withdrawProject(project: $project, reason: $reason) {
    project { id status withdrawnAt withdrawalReason }
    releasedBids { id }
    errors { code field message }
  }
}`;

export const WithdrawProject = {
  props: { project: { type: Object, required: true } },
  emits: ["withdrawn"],
  data() {
    return { open: false, reason: "", sending: false, errors: [] };
  },
  methods: {
    async send() {
      const variables = { project: this.project.id, reason: this.reason };
      const payload = await sendAction(this, WITHDRAW_PROJECT, variables, "withdrawProject");
      if (payload) {
        this.open = false;
        this.$emit("withdrawn", payload);
      }
    },
  },
  template: `
    <div class="withdraw-project">
      <button v-if="!open" type="button" class="button secondary" @click="open = true">{{ t('withdrawProject.open') }}</button>
      <form v-else class="stacked-form" @submit.prevent="send">
        <p class="hint">{{ project.bidCount ? t('withdrawProject.releases', { n: project.bidCount }) : t('withdrawProject.noBids') }}</p>
        <div class="field wide">
          <label for="withdraw-reason">{{ t('withdrawProject.reason') }}</label>
          <textarea id="withdraw-reason" v-model="reason" rows="3" required maxlength="500" aria-describedby="withdraw-errors"></textarea>
        </div>
        <div id="withdraw-errors" aria-live="polite">
          <p v-for="message in errors" :key="message" class="field-error">{{ message }}</p>
        </div>
        <p class="actions">
          <button type="submit" class="button danger" :disabled="sending">{{ sending ? t('state.sending') : t('withdrawProject.submit') }}</button>
          <button type="button" class="button link" @click="open = false">{{ t('action.cancel') }}</button>
        </p>
      </form>
    </div>`,
};
