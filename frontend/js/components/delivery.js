// After the award: the three payment tranches and the mid-term and final evaluations.
// The organizer records a payment (with its voucher number) and an evaluation (a score
// for each of the fair's components); the server applies the consequences.
import { formErrors, mutate, problemText, sendForm } from "../api.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "./states.js";

const RECORD_PAYMENT = `
mutation RecordPayment($project: ID!, $tranche: Int!, $reference: String!) {
  recordPayment(project: $project, tranche: $tranche, reference: $reference) {
    payment { tranche share amount dueOn status paidAt }
    errors { code field message }
  }
}`;

const RECORD_EVALUATION = `
mutation RecordEvaluation($project: ID!, $stage: EvaluationStage!, $scores: [EvaluationScoreInput!]!, $reason: String) {
  recordEvaluation(project: $project, stage: $stage, scores: $scores, beneficiaryOverrideReason: $reason) {
    evaluation { stage score passed at }
    project { id status }
    errors { code field message }
  }
}`;

/** The tranches of a project; `editable` shows "record payment" on the one that is due. */
export const PaymentTable = {
  components: { FieldErrors, FormAlert },
  props: {
    project: { type: Object, required: true },
    editable: { type: Boolean, default: false },
  },
  emits: ["changed"],
  data() {
    return { references: {}, errors: {}, general: [], sending: null };
  },
  methods: {
    async pay(tranche) {
      this.sending = tranche;
      this.errors = {};
      this.general = [];
      try {
        const result = await mutate(
          RECORD_PAYMENT,
          { project: this.project.id, tranche, reference: (this.references[tranche] ?? "").trim() },
          "recordPayment",
        );
        if (result.ok) {
          this.references[tranche] = "";
          this.$emit("changed");
          return;
        }
        const sorted = formErrors(result.errors, { reference: "reference", tranche: "reference" });
        this.errors = { [tranche]: sorted.byField.reference ?? [] };
        this.general = sorted.general;
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = null;
      }
    },
  },
  template: `
    <div class="payments">
      <form-alert :messages="general" />
      <p v-if="!project.payments.length" class="muted">{{ t('payment.none') }}</p>
      <div v-else class="table-wrap">
        <table>
          <caption class="visually-hidden">{{ t('payment.title') }}</caption>
          <thead><tr>
            <th scope="col">{{ t('payment.tranche') }}</th><th scope="col">{{ t('payment.share') }}</th>
            <th scope="col">{{ t('payment.amount') }}</th><th scope="col">{{ t('payment.status') }}</th>
            <th scope="col">{{ t('payment.dueOrPaid') }}</th>
            <th v-if="editable" scope="col">{{ t('payment.action') }}</th>
          </tr></thead>
          <tbody>
            <tr v-for="p in project.payments" :key="p.tranche">
              <td class="nowrap">{{ t('payment.nth', { n: p.tranche }) }}</td>
              <td class="nowrap">{{ percent(p.share) }}</td>
              <td class="money">{{ yuan(p.amount) }}</td>
              <td><span class="badge" :class="'payment-' + p.status.toLowerCase()">{{ label('paymentStatus', p.status) }}</span></td>
              <td class="nowrap">{{ p.paidAt ? date(p.paidAt) : date(p.dueOn) }}</td>
              <td v-if="editable">
                <form v-if="p.status === 'DUE'" class="inline-form" novalidate @submit.prevent="pay(p.tranche)">
                  <label :for="'ref-' + project.id + '-' + p.tranche" class="visually-hidden">{{ t('payment.reference') }}</label>
                  <input :id="'ref-' + project.id + '-' + p.tranche" v-model="references[p.tranche]" :placeholder="t('payment.reference')"
                    :aria-invalid="Boolean(errors[p.tranche] && errors[p.tranche].length)"
                    :aria-describedby="'ref-errors-' + project.id + '-' + p.tranche">
                  <button type="submit" class="button small" :disabled="sending === p.tranche">{{ t('payment.record') }}</button>
                  <field-errors :id="'ref-errors-' + project.id + '-' + p.tranche" :messages="errors[p.tranche] || []" />
                </form>
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>`,
};

// The component the residents' own survey speaks for.
const BENEFICIARY = "beneficiary";

/** The organizer's evaluation sheet for a project in delivery; the residents' survey score,
 * once past its threshold, stands beside the beneficiary component: taken as it is, or
 * overridden with a reason. */
export const EvaluationForm = {
  components: { FieldErrors, FormAlert },
  props: {
    project: { type: Object, required: true },
    parts: { type: Array, required: true }, // the fair's evaluationComponents
    passMark: { type: Number, default: 60 },
    satisfaction: { type: Object, default: null }, // Project.satisfaction
  },
  emits: ["changed"],
  data() {
    const done = new Set((this.project.evaluations ?? []).map((e) => e.stage));
    const survey = this.satisfaction?.shown ? this.satisfaction.score : null;
    return {
      stage: done.has("MIDTERM") ? "FINAL" : "MIDTERM",
      scores: Object.fromEntries(this.parts.map((c) => [c.key, c.key === BENEFICIARY && survey !== null ? String(survey) : ""])),
      reason: "",
      errors: {},
      general: [],
      sending: false,
      result: null,
    };
  },
  computed: {
    uid() {
      return `eval-${this.project.id}`;
    },
    surveyScore() {
      return this.satisfaction?.shown ? this.satisfaction.score : null;
    },
    overridden() {
      const entered = Number(this.scores[BENEFICIARY]);
      return this.surveyScore !== null && this.scores[BENEFICIARY] !== "" && Math.abs(entered - this.surveyScore) > 0.05;
    },
    total() {
      let sum = 0;
      for (const c of this.parts) {
        const value = Number(this.scores[c.key]);
        if (this.scores[c.key] === "" || Number.isNaN(value)) return null;
        sum += (value * c.weight) / 100;
      }
      return sum;
    },
  },
  methods: {
    async submit() {
      this.errors = {};
      this.general = [];
      this.result = null;
      const missing = this.parts.filter((c) => this.scores[c.key] === "" || Number.isNaN(Number(this.scores[c.key])));
      if (missing.length) {
        for (const c of missing) this.errors[c.key] = [t("form.scoreFormat")];
        return;
      }
      const scores = this.parts.map((c) => ({ component: c.key, score: Number(this.scores[c.key]) }));
      const fields = { stage: "stage", beneficiaryOverrideReason: "reason", ...Object.fromEntries(this.parts.map((c, i) => [`scores.${i}`, c.key])) };
      const reason = this.overridden ? this.reason.trim() || null : null;
      const variables = { project: this.project.id, stage: this.stage, scores, reason };
      const payload = await sendForm(this, RECORD_EVALUATION, variables, "recordEvaluation", fields);
      if (!payload) return;
      this.result = payload.evaluation;
      this.$emit("changed");
    },
  },
  template: `
    <form class="evaluation-form" novalidate @submit.prevent="submit">
      <form-alert :messages="general" />
      <p v-if="result" class="success" role="status">
        {{ t(result.passed ? 'evaluation.passedNote' : 'evaluation.failedNote', { score: score(result.score) }) }}
      </p>
      <div class="field">
        <label :for="uid + '-stage'">{{ t('evaluation.stage') }}</label>
        <select :id="uid + '-stage'" v-model="stage" :aria-invalid="Boolean(errors.stage)" :aria-describedby="uid + '-stage-errors'">
          <option value="MIDTERM">{{ label('stage', 'MIDTERM') }}</option>
          <option value="FINAL">{{ label('stage', 'FINAL') }}</option>
        </select>
        <field-errors :id="uid + '-stage-errors'" :messages="errors.stage || []" />
      </div>
      <div class="form-grid">
        <div v-for="c in parts" :key="c.key" class="field">
          <label :for="uid + '-' + c.key">{{ c.name }}（{{ t('criteria.weight', { w: c.weight }) }}）</label>
          <input :id="uid + '-' + c.key" v-model="scores[c.key]" type="number" min="0" max="100" step="0.1" inputmode="decimal"
            :aria-invalid="Boolean(errors[c.key])" :aria-describedby="uid + '-' + c.key + '-errors'">
          <field-errors :id="uid + '-' + c.key + '-errors'" :messages="errors[c.key] || []" />
          <p v-if="c.key === 'beneficiary' && surveyScore !== null" class="hint survey-beside">
            {{ t('evaluation.surveyScore', { score: score(surveyScore), n: satisfaction.count }) }}
            <button v-if="overridden" type="button" class="button small link" @click="scores.beneficiary = String(surveyScore)">{{ t('evaluation.useSurvey') }}</button>
          </p>
        </div>
      </div>
      <div v-if="overridden" class="field">
        <label :for="uid + '-reason'">{{ t('evaluation.overrideReason') }}</label>
        <textarea :id="uid + '-reason'" v-model="reason" rows="2" maxlength="500" :aria-invalid="Boolean(errors.reason)" :aria-describedby="uid + '-reason-errors'"></textarea>
        <field-errors :id="uid + '-reason-errors'" :messages="errors.reason || []" />
      </div>
      <p class="hint">{{ t('evaluation.total', { total: total === null ? '—' : score(total), pass: passMark }) }}</p>
      <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : t('evaluation.record') }}</button>
    </form>`,
};
