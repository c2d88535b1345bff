// 洽谈会设置 (organizer): the editions of the fair; create one, or move or end its window.
// Criteria and evaluation components take the server's defaults.
import { gql, problemText, sendForm } from "../api.js";
import { t } from "../i18n.js";
import { EmptyState, ErrorState, FieldErrors, FormAlert, LoadingState } from "../components/states.js";

const FAIRS = `query ConsoleFairs { fairs { id edition name opensAt closesAt isOpen stats { projectCount awardedCount } } }`;

const FAIR_RESULT = "fair { id edition name opensAt closesAt isOpen } errors { code field message }";
const CREATE = `mutation CreateFair($input: FairInput!) { createFair(input: $input) { ${FAIR_RESULT} } }`;
const UPDATE = `mutation UpdateFair($fair: ID!, $input: FairInput!) { updateFair(fair: $fair, input: $input) { ${FAIR_RESULT} } }`;

const FIELDS = { "input.edition": "edition", "input.name": "name", "input.opensAt": "opensAt", "input.closesAt": "closesAt" };

/** "2026-11-24T09:30+08:00" → "2026-11-24T09:30" for a datetime-local input (city time). */
function toLocalInput(iso, dateTimeText) {
  return iso ? dateTimeText(iso).replace(" ", "T") : "";
}

/** A datetime-local value, read as Beijing time, as ISO 8601 with its offset. */
function fromLocalInput(value) {
  return value ? `${value}:00+08:00` : null;
}

export default {
  name: "FairSection",
  components: { EmptyState, ErrorState, FieldErrors, FormAlert, LoadingState },
  props: { fair: { type: Object, default: null } },
  emits: ["fair-changed"],
  data() {
    return { fairs: [], loading: true, error: "", editing: null, form: this.blank(), errors: {}, general: [], sending: false, notice: "" };
  },
  created() {
    this.load();
  },
  methods: {
    blank() {
      return { edition: "", name: "", opensAt: "", closesAt: "" };
    },
    async load() {
      this.loading = true;
      this.error = "";
      try {
        this.fairs = (await gql(FAIRS)).fairs;
        if (!this.editing && !this.form.edition) {
          const next = Math.max(0, ...this.fairs.map((f) => f.edition)) + 1;
          this.form.edition = String(next);
        }
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    edit(fair) {
      this.editing = fair;
      this.errors = {};
      this.general = [];
      this.form = {
        edition: String(fair.edition),
        name: fair.name,
        opensAt: toLocalInput(fair.opensAt, this.dateTime),
        closesAt: toLocalInput(fair.closesAt, this.dateTime),
      };
      this.$nextTick(() => document.getElementById("fair-name")?.focus());
    },
    cancel() {
      this.editing = null;
      this.form = this.blank();
      this.load();
    },
    closeNow(fair) {
      this.edit(fair);
      this.form.closesAt = toLocalInput(new Date().toISOString(), this.dateTime);
    },
    async submit() {
      this.errors = {};
      this.general = [];
      this.notice = "";
      if (!/^\d+$/.test(this.form.edition)) this.errors.edition = [t("form.countFormat")];
      if (!this.form.name.trim()) this.errors.name = [t("form.required")];
      if (!this.form.opensAt) this.errors.opensAt = [t("form.required")];
      if (!this.form.closesAt) this.errors.closesAt = [t("form.required")];
      if (Object.keys(this.errors).length) return;
      const input = {
        edition: Number(this.form.edition),
        name: this.form.name.trim(),
        opensAt: fromLocalInput(this.form.opensAt),
        closesAt: fromLocalInput(this.form.closesAt),
      };
      const payload = this.editing
        ? await sendForm(this, UPDATE, { fair: this.editing.id, input }, "updateFair", FIELDS)
        : await sendForm(this, CREATE, { input }, "createFair", FIELDS);
      if (!payload) return;
      this.notice = t(this.editing ? "fair.updated" : "fair.created", { name: payload.fair.name });
      this.editing = null;
      this.form = this.blank();
      this.$emit("fair-changed");
      await this.load();
    },
  },
  template: `
    <section aria-labelledby="fairs-title">
      <h2 id="fairs-title">{{ t('console.fair') }}</h2>
      <p v-if="notice" class="success" role="status">{{ notice }}</p>
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <empty-state v-else-if="!fairs.length" :text="t('hall.noFair')" />
      <div v-else class="table-wrap">
        <table class="stack-on-phone">
          <caption class="visually-hidden">{{ t('console.fair') }}</caption>
          <thead><tr>
            <th scope="col">{{ t('fair.edition') }}</th><th scope="col">{{ t('fair.name') }}</th><th scope="col">{{ t('fair.windowLabel') }}</th>
            <th scope="col">{{ t('stats.projects') }}</th><th scope="col">{{ t('stats.awarded') }}</th><th scope="col">{{ t('payment.action') }}</th>
          </tr></thead>
          <tbody>
            <tr v-for="f in fairs" :key="f.id">
              <td :data-label="t('fair.edition')">{{ f.edition }}</td>
              <td :data-label="t('fair.name')">{{ f.name }} <span class="badge" :class="f.isOpen ? 'status-published' : 'neutral'">{{ f.isOpen ? t('fair.open') : t('fair.closed') }}</span></td>
              <td :data-label="t('fair.windowLabel')">{{ dateTime(f.opensAt) }} – {{ dateTime(f.closesAt) }}</td>
              <td :data-label="t('stats.projects')">{{ count(f.stats.projectCount) }}</td><td :data-label="t('stats.awarded')">{{ count(f.stats.awardedCount) }}</td>
              <td class="actions">
                <button type="button" class="button small secondary" @click="edit(f)">{{ t('action.edit') }}</button>
                <button v-if="f.isOpen" type="button" class="button small link" @click="closeNow(f)">{{ t('fair.closeNow') }}</button>
              </td>
            </tr>
          </tbody>
        </table>
      </div>

      <form class="card" novalidate @submit.prevent="submit" aria-labelledby="fair-form-title">
        <h3 id="fair-form-title">{{ editing ? t('fair.editTitle', { name: editing.name }) : t('fair.createTitle') }}</h3>
        <form-alert :messages="general" />
        <div class="form-grid">
          <div class="field">
            <label for="fair-edition">{{ t('fair.edition') }}</label>
            <input id="fair-edition" v-model="form.edition" inputmode="numeric" :aria-invalid="Boolean(errors.edition)" aria-describedby="fair-edition-errors">
            <field-errors id="fair-edition-errors" :messages="errors.edition || []" />
          </div>
          <div class="field wide">
            <label for="fair-name">{{ t('fair.name') }}</label>
            <input id="fair-name" v-model="form.name" :placeholder="t('fair.namePlaceholder')" :aria-invalid="Boolean(errors.name)" aria-describedby="fair-name-errors">
            <field-errors id="fair-name-errors" :messages="errors.name || []" />
          </div>
          <div class="field">
            <label for="fair-opens">{{ t('fair.opensAt') }}</label>
            <input id="fair-opens" v-model="form.opensAt" type="datetime-local" :aria-invalid="Boolean(errors.opensAt)" aria-describedby="fair-opens-errors">
            <field-errors id="fair-opens-errors" :messages="errors.opensAt || []" />
          </div>
          <div class="field">
            <label for="fair-closes">{{ t('fair.closesAt') }}</label>
            <input id="fair-closes" v-model="form.closesAt" type="datetime-local" :aria-invalid="Boolean(errors.closesAt)" aria-describedby="fair-closes-errors">
            <field-errors id="fair-closes-errors" :messages="errors.closesAt || []" />
          </div>
        </div>
        <p class="hint">{{ t('fair.hint') }}</p>
        <div class="actions">
          <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : editing ? t('action.save') : t('fair.create') }}</button>
          <button v-if="editing" type="button" class="button link" @click="cancel">{{ t('action.cancel') }}</button>
        </div>
      </form>
    </section>`,
};
