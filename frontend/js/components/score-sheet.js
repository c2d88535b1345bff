// A reviewer's score sheet for one bid: a mark 0–100 for each of the fair's criteria,
// weighted as the fair says. Scoring again replaces one's own earlier sheet.
import { sendForm } from "../api.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "./states.js";

const SCORE_BID = `
mutation ScoreBid($bid: ID!, $scores: [CriterionScoreInput!]!) {
  scoreBid(bid: $bid, scores: $scores) {
    bid { id score rank status }
    errors { code field message }
  }
}`;

export const ScoreSheet = {
  components: { FieldErrors, FormAlert },
  props: {
    bid: { type: Object, required: true },
    criteria: { type: Array, required: true },
  },
  emits: ["scored"],
  data() {
    return {
      marks: Object.fromEntries(this.criteria.map((c) => [c.key, ""])),
      errors: {},
      general: [],
      sending: false,
      saved: false,
    };
  },
  computed: {
    uid() {
      return `score-${this.bid.id}`;
    },
    total() {
      let sum = 0;
      for (const c of this.criteria) {
        const raw = this.marks[c.key];
        if (raw === "" || Number.isNaN(Number(raw))) return null;
        sum += (Number(raw) * c.weight) / 100;
      }
      return sum;
    },
  },
  methods: {
    async submit() {
      this.errors = {};
      this.general = [];
      this.saved = false;
      for (const c of this.criteria) {
        const raw = this.marks[c.key];
        if (raw === "" || Number.isNaN(Number(raw))) this.errors[c.key] = [t("form.scoreFormat")];
      }
      if (Object.keys(this.errors).length) return;
      const scores = this.criteria.map((c) => ({ criterion: c.key, score: Number(this.marks[c.key]) }));
      const fields = Object.fromEntries(this.criteria.map((c, i) => [`scores.${i}`, c.key]));
      const payload = await sendForm(this, SCORE_BID, { bid: this.bid.id, scores }, "scoreBid", fields);
      if (!payload) return;
      this.saved = true;
      this.$emit("scored", payload.bid);
    },
  },
  template: `
    <form class="score-sheet" novalidate @submit.prevent="submit">
      <form-alert :messages="general" />
      <div class="form-grid">
        <div v-for="c in criteria" :key="c.key" class="field">
          <label :for="uid + '-' + c.key">{{ c.name }}（{{ t('criteria.weight', { w: c.weight }) }}）</label>
          <input :id="uid + '-' + c.key" v-model="marks[c.key]" type="number" min="0" max="100" step="0.5" inputmode="decimal"
            :aria-invalid="Boolean(errors[c.key])" :aria-describedby="uid + '-' + c.key + '-errors'">
          <field-errors :id="uid + '-' + c.key + '-errors'" :messages="errors[c.key] || []" />
        </div>
      </div>
      <p class="hint">{{ t('review.weightedTotal', { total: total === null ? '—' : score(total) }) }}</p>
      <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : t('review.submit') }}</button>
      <p v-if="saved" class="success" role="status">{{ t('review.saved') }}</p>
    </form>`,
};
