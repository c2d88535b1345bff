// The claim / bid form of an organization, with the rules up front and every refusal
// shown beside its field. The server decides; the page only checks that amounts are amounts.
import { sendForm } from "../api.js";
import { parseCount, parseMoney, tenthOf, yuan } from "../format.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "./states.js";

export const BID_FIELDS = `
  id amount managementFee socialWorkers plan submittedAt status score rank releaseNotice organization { id name }
`;

const CLAIM = `
mutation ClaimProject($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) {
    bid { ${BID_FIELDS} }
    project { id status bidCount }
    errors { code field message }
  }
}`;

// UserError.field paths → this form's fields.
const FIELDS = {
  "bid.amount": "amount",
  "bid.managementFee": "managementFee",
  "bid.socialWorkers": "socialWorkers",
  "bid.plan": "plan",
};

export const BidForm = {
  components: { FieldErrors, FormAlert },
  props: {
    project: { type: Object, required: true },
    organization: { type: Object, required: true },
  },
  emits: ["claimed"],
  data() {
    return {
      form: { amount: this.project.budget, managementFee: "", socialWorkers: "", plan: "" },
      errors: {},
      general: [],
      sending: false,
    };
  },
  computed: {
    direct() {
      return this.project.procurement === "DIRECT";
    },
    maxFee() {
      const amount = parseMoney(this.form.amount);
      return amount ? yuan(tenthOf(amount)) : "—";
    },
    workersShort() {
      return this.organization.socialWorkers < this.project.minSocialWorkers;
    },
  },
  methods: {
    describedBy(field) {
      return `bid-${field}-errors bid-${field}-hint`;
    },
    checkFormat() {
      // Only that the fields can be sent at all; every rule is the server's to judge.
      const errors = {};
      if (parseMoney(this.form.amount) === null) errors.amount = [t("form.moneyFormat")];
      if (parseMoney(this.form.managementFee) === null) errors.managementFee = [t("form.moneyFormat")];
      if (parseCount(this.form.socialWorkers) === null) errors.socialWorkers = [t("form.countFormat")];
      return errors;
    },
    focusFirstError() {
      this.$nextTick(() => {
        const invalid = this.$el.querySelector("[aria-invalid='true']");
        (invalid ?? this.$el.querySelector(".form-alert"))?.focus?.();
      });
    },
    async submit() {
      this.general = [];
      this.errors = this.checkFormat();
      if (Object.keys(this.errors).length) {
        this.focusFirstError();
        return;
      }
      const bid = {
        amount: parseMoney(this.form.amount),
        managementFee: parseMoney(this.form.managementFee),
        socialWorkers: parseCount(this.form.socialWorkers),
        plan: this.form.plan,
      };
      const payload = await sendForm(this, CLAIM, { project: this.project.id, bid }, "claimProject", FIELDS);
      if (payload) this.$emit("claimed", payload);
      else this.focusFirstError();
    },
  },
  template: `
    <section class="card bid-form" aria-labelledby="bid-form-title">
      <h2 id="bid-form-title">{{ direct ? t('bid.claimTitle') : t('bid.bidTitle') }}</h2>
      <div class="rules" aria-labelledby="bid-rules-title">
        <h3 id="bid-rules-title">{{ t('bid.rules') }}</h3>
        <ul>
          <li>{{ t('bid.ruleBudget', { budget: yuan(project.budget) }) }}</li>
          <li>{{ t('bid.ruleFee') }}</li>
          <li :class="{ warning: workersShort }">
            {{ t('bid.ruleWorkers', { need: project.minSocialWorkers, have: organization.socialWorkers }) }}
          </li>
          <li v-if="direct">{{ t('bid.ruleDirect') }}</li>
          <li v-else>{{ t('bid.ruleCompetitive') }}</li>
          <li>{{ t('bid.ruleWindow', { to: dateTime(project.fair.closesAt) }) }}</li>
        </ul>
      </div>
      <form novalidate @submit.prevent="submit">
        <form-alert :messages="general" />
        <div class="form-grid">
          <div class="field">
            <label for="bid-amount">{{ t('bid.amount') }}</label>
            <input id="bid-amount" v-model="form.amount" name="amount" inputmode="decimal" autocomplete="off"
              :aria-invalid="Boolean(errors.amount)" :aria-describedby="describedBy('amount')">
            <p id="bid-amount-hint" class="hint">{{ t('bid.amountHint', { budget: yuan(project.budget) }) }}</p>
            <field-errors id="bid-amount-errors" :messages="errors.amount || []" />
          </div>
          <div class="field">
            <label for="bid-managementFee">{{ t('bid.managementFee') }}</label>
            <input id="bid-managementFee" v-model="form.managementFee" name="managementFee" inputmode="decimal" autocomplete="off"
              :aria-invalid="Boolean(errors.managementFee)" :aria-describedby="describedBy('managementFee')">
            <p id="bid-managementFee-hint" class="hint">{{ t('bid.feeHint', { max: maxFee }) }}</p>
            <field-errors id="bid-managementFee-errors" :messages="errors.managementFee || []" />
          </div>
          <div class="field">
            <label for="bid-socialWorkers">{{ t('bid.socialWorkers') }}</label>
            <input id="bid-socialWorkers" v-model="form.socialWorkers" name="socialWorkers" inputmode="numeric" autocomplete="off"
              :aria-invalid="Boolean(errors.socialWorkers)" :aria-describedby="describedBy('socialWorkers')">
            <p id="bid-socialWorkers-hint" class="hint">{{ t('bid.workersHint', { need: project.minSocialWorkers, have: organization.socialWorkers }) }}</p>
            <field-errors id="bid-socialWorkers-errors" :messages="errors.socialWorkers || []" />
          </div>
          <div class="field wide">
            <label for="bid-plan">{{ t('bid.plan') }}</label>
            <textarea id="bid-plan" v-model="form.plan" name="plan" rows="5"
              :aria-invalid="Boolean(errors.plan)" :aria-describedby="describedBy('plan')"></textarea>
            <p id="bid-plan-hint" class="hint">{{ t('bid.planHint') }}</p>
            <field-errors id="bid-plan-errors" :messages="errors.plan || []" />
          </div>
        </div>
        <button type="submit" class="button" :disabled="sending">
          {{ sending ? t('state.sending') : direct ? t('bid.submitClaim') : t('bid.submitBid') }}
        </button>
      </form>
    </section>`,
};
