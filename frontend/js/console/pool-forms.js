// Adding to the pools (organizer): a social organization to the resource pool, a person
// to the supervisor and expert pool. Problems show beside their fields.
import { sendForm } from "../api.js";
import { SERVICE_CLASSES } from "../enums.js";
import { parseCount } from "../format.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "../components/states.js";

const REGISTER = `
mutation RegisterOrganization($input: OrganizationInput!) {
  registerOrganization(input: $input) { organization { id name creditCode } errors { code field message } }
}`;

const ADD_SUPERVISOR = `
mutation AddSupervisor($input: SupervisorInput!) {
  addSupervisor(input: $input) { supervisor { id name } errors { code field message } }
}`;

/** Checkboxes for a list of values (service classes, districts), as one labelled group. */
export const CheckGroup = {
  props: {
    id: { type: String, required: true },
    legend: { type: String, required: true },
    options: { type: Array, required: true }, // [{ value, text }]
    modelValue: { type: Array, required: true },
    errors: { type: Array, default: () => [] },
  },
  emits: ["update:modelValue"],
  components: { FieldErrors },
  methods: {
    toggle(value, checked) {
      const next = this.modelValue.filter((v) => v !== value);
      if (checked) next.push(value);
      this.$emit("update:modelValue", next);
    },
  },
  template: `
    <fieldset class="field wide check-group" :aria-describedby="id + '-errors'" :aria-invalid="errors.length ? 'true' : null">
      <legend>{{ legend }}</legend>
      <div class="chips">
        <label v-for="o in options" :key="o.value" class="chip">
          <input type="checkbox" :checked="modelValue.includes(o.value)" @change="toggle(o.value, $event.target.checked)"> {{ o.text }}
        </label>
      </div>
      <field-errors :id="id + '-errors'" :messages="errors" />
    </fieldset>`,
};

function classOptions() {
  return SERVICE_CLASSES.map((value) => ({ value, text: t(`serviceClass.${value}`) }));
}

export const OrganizationForm = {
  components: { CheckGroup, FieldErrors, FormAlert },
  props: { districts: { type: Array, required: true } },
  emits: ["created"],
  data() {
    return { form: this.blank(), errors: {}, general: [], sending: false, done: null };
  },
  computed: {
    classOptions,
    districtOptions() {
      return this.districts.map((d) => ({ value: d.id, text: d.name }));
    },
  },
  methods: {
    blank() {
      return { name: "", creditCode: "", serviceClasses: [], districts: [], socialWorkers: "", grade: "" };
    },
    async submit() {
      this.errors = {};
      this.general = [];
      this.done = null;
      const workers = parseCount(this.form.socialWorkers);
      if (workers === null) this.errors.socialWorkers = [t("form.countFormat")];
      if (Object.keys(this.errors).length) return;
      const input = { ...this.form, name: this.form.name.trim(), creditCode: this.form.creditCode.trim().toUpperCase(), socialWorkers: workers, grade: this.form.grade || null };
      const fields = Object.fromEntries(Object.keys(this.form).map((key) => [`input.${key}`, key]));
      const payload = await sendForm(this, REGISTER, { input }, "registerOrganization", fields);
      if (!payload) return;
      this.done = payload.organization;
      this.form = this.blank();
      this.$emit("created", this.done);
    },
  },
  template: `
    <form class="card" novalidate aria-labelledby="org-form-title" @submit.prevent="submit">
      <h3 id="org-form-title">{{ t('pools.registerOrganization') }}</h3>
      <p v-if="done" class="success" role="status">{{ t('pools.organizationDone', { name: done.name }) }}</p>
      <form-alert :messages="general" />
      <div class="form-grid">
        <div class="field wide">
          <label for="org-name">{{ t('org.name') }}</label>
          <input id="org-name" v-model="form.name" :aria-invalid="Boolean(errors.name)" aria-describedby="org-name-errors">
          <field-errors id="org-name-errors" :messages="errors.name || []" />
        </div>
        <div class="field">
          <label for="org-code">{{ t('org.creditCode') }}</label>
          <input id="org-code" v-model="form.creditCode" maxlength="18" autocapitalize="characters" spellcheck="false"
            :aria-invalid="Boolean(errors.creditCode)" aria-describedby="org-code-hint org-code-errors">
          <p id="org-code-hint" class="hint">{{ t('org.creditCodeHint') }}</p>
          <field-errors id="org-code-errors" :messages="errors.creditCode || []" />
        </div>
        <div class="field">
          <label for="org-workers">{{ t('org.socialWorkersLabel') }}</label>
          <input id="org-workers" v-model="form.socialWorkers" inputmode="numeric" :aria-invalid="Boolean(errors.socialWorkers)" aria-describedby="org-workers-errors">
          <field-errors id="org-workers-errors" :messages="errors.socialWorkers || []" />
        </div>
        <div class="field">
          <label for="org-grade">{{ t('org.grade') }}</label>
          <select id="org-grade" v-model="form.grade" :aria-invalid="Boolean(errors.grade)" aria-describedby="org-grade-errors">
            <option value="">{{ t('org.noGrade') }}</option>
            <option v-for="g in ['3A', '4A', '5A']" :key="g" :value="g">{{ g }}</option>
          </select>
          <field-errors id="org-grade-errors" :messages="errors.grade || []" />
        </div>
        <check-group id="org-classes" v-model="form.serviceClasses" :legend="t('org.serviceClasses')" :options="classOptions" :errors="errors.serviceClasses || []" />
        <check-group id="org-districts" v-model="form.districts" :legend="t('org.districts')" :options="districtOptions" :errors="errors.districts || []" />
      </div>
      <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : t('pools.register') }}</button>
    </form>`,
};

export const SupervisorForm = {
  components: { CheckGroup, FieldErrors, FormAlert },
  props: { districts: { type: Array, required: true } },
  emits: ["created"],
  data() {
    return { form: this.blank(), errors: {}, general: [], sending: false, done: null };
  },
  computed: {
    classOptions,
    districtOptions() {
      return this.districts.map((d) => ({ value: d.id, text: d.name }));
    },
  },
  methods: {
    blank() {
      return { name: "", title: "", affiliation: "", expertise: [], districts: [], maxLoad: "5" };
    },
    async submit() {
      this.errors = {};
      this.general = [];
      this.done = null;
      const maxLoad = parseCount(this.form.maxLoad);
      if (maxLoad === null) this.errors.maxLoad = [t("form.countFormat")];
      if (Object.keys(this.errors).length) return;
      const input = { ...this.form, name: this.form.name.trim(), title: this.form.title.trim() || null, affiliation: this.form.affiliation.trim(), maxLoad };
      const fields = Object.fromEntries(Object.keys(this.form).map((key) => [`input.${key}`, key]));
      const payload = await sendForm(this, ADD_SUPERVISOR, { input }, "addSupervisor", fields);
      if (!payload) return;
      this.done = payload.supervisor;
      this.form = this.blank();
      this.$emit("created", this.done);
    },
  },
  template: `
    <form class="card" novalidate aria-labelledby="sup-form-title" @submit.prevent="submit">
      <h3 id="sup-form-title">{{ t('pools.addSupervisor') }}</h3>
      <p v-if="done" class="success" role="status">{{ t('pools.supervisorDone', { name: done.name }) }}</p>
      <form-alert :messages="general" />
      <div class="form-grid">
        <div class="field">
          <label for="sup-name">{{ t('supervisor.name') }}</label>
          <input id="sup-name" v-model="form.name" :aria-invalid="Boolean(errors.name)" aria-describedby="sup-name-errors">
          <field-errors id="sup-name-errors" :messages="errors.name || []" />
        </div>
        <div class="field">
          <label for="sup-title">{{ t('supervisor.title') }}</label>
          <input id="sup-title" v-model="form.title" :aria-invalid="Boolean(errors.title)" aria-describedby="sup-title-errors">
          <field-errors id="sup-title-errors" :messages="errors.title || []" />
        </div>
        <div class="field wide">
          <label for="sup-affiliation">{{ t('supervisor.affiliation') }}</label>
          <input id="sup-affiliation" v-model="form.affiliation" :aria-invalid="Boolean(errors.affiliation)" aria-describedby="sup-affiliation-hint sup-affiliation-errors">
          <p id="sup-affiliation-hint" class="hint">{{ t('supervisor.affiliationHint') }}</p>
          <field-errors id="sup-affiliation-errors" :messages="errors.affiliation || []" />
        </div>
        <div class="field">
          <label for="sup-load">{{ t('supervisor.maxLoad') }}</label>
          <input id="sup-load" v-model="form.maxLoad" inputmode="numeric" :aria-invalid="Boolean(errors.maxLoad)" aria-describedby="sup-load-errors">
          <field-errors id="sup-load-errors" :messages="errors.maxLoad || []" />
        </div>
        <check-group id="sup-expertise" v-model="form.expertise" :legend="t('supervise.expertise')" :options="classOptions" :errors="errors.expertise || []" />
        <check-group id="sup-districts" v-model="form.districts" :legend="t('org.districts')" :options="districtOptions" :errors="errors.districts || []" />
      </div>
      <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : t('pools.add') }}</button>
    </form>`,
};
