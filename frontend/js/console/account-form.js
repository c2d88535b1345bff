// Creating a login (organizer): a role, and the body it acts for — an organization,
// a person of the expert pool (reviewers and supervisors), or a publisher.
import { gql, problemText, sendForm } from "../api.js";
import { ROLES } from "../enums.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "../components/states.js";

const CREATE = `
mutation CreateAccount($username: String!, $password: String!, $role: Role!, $organization: ID, $supervisor: ID, $publisher: ID) {
  createAccount(username: $username, password: $password, role: $role, organization: $organization, supervisor: $supervisor, publisher: $publisher) {
    account { username role }
    errors { code field message }
  }
}`;

const FIND = {
  ORGANIZATION: `query FindOrganizations($search: String) { organizations(first: 20, filter: { search: $search }) { edges { node { id name } } } }`,
  PERSON: `query FindSupervisors($search: String) { supervisors(first: 20, filter: { search: $search }) { edges { node { id name affiliation } } } }`,
  PUBLISHER: `query FindPublishers($district: ID) { publishers(district: $district) { id name } }`,
};

const FIELDS = { username: "username", password: "password", role: "role", organization: "link", supervisor: "link", publisher: "link" };

export const AccountForm = {
  components: { FieldErrors, FormAlert },
  props: { districts: { type: Array, required: true } },
  data() {
    return {
      form: { username: "", password: "", role: "ORGANIZATION", link: "", search: "", district: "" },
      choices: [],
      errors: {},
      general: [],
      sending: false,
      done: null,
      ROLES,
    };
  },
  computed: {
    linkKind() {
      return { ORGANIZATION: "organization", REVIEWER: "supervisor", SUPERVISOR: "supervisor", PUBLISHER: "publisher" }[this.form.role] ?? null;
    },
  },
  watch: {
    "form.role"() {
      this.form.link = "";
      this.choices = [];
      this.find();
    },
    "form.district"() {
      this.find();
    },
  },
  created() {
    this.find();
  },
  methods: {
    async find() {
      try {
        if (this.linkKind === "organization") {
          const data = await gql(FIND.ORGANIZATION, { search: this.form.search.trim() || null });
          this.choices = data.organizations.edges.map((e) => ({ id: e.node.id, text: e.node.name }));
        } else if (this.linkKind === "supervisor") {
          const data = await gql(FIND.PERSON, { search: this.form.search.trim() || null });
          this.choices = data.supervisors.edges.map((e) => ({ id: e.node.id, text: `${e.node.name}（${e.node.affiliation}）` }));
        } else if (this.linkKind === "publisher" && this.form.district) {
          const data = await gql(FIND.PUBLISHER, { district: this.form.district });
          this.choices = data.publishers.map((p) => ({ id: p.id, text: p.name }));
        } else {
          this.choices = [];
        }
      } catch (error) {
        this.general = [problemText(error)];
      }
    },
    async submit() {
      this.errors = {};
      this.general = [];
      this.done = null;
      if (!this.form.username.trim()) this.errors.username = [t("form.required")];
      if (!this.form.password) this.errors.password = [t("form.required")];
      if (this.linkKind && !this.form.link) this.errors.link = [t("pools.chooseLink")];
      if (Object.keys(this.errors).length) return;
      const variables = { username: this.form.username.trim(), password: this.form.password, role: this.form.role };
      if (this.linkKind) variables[this.linkKind] = this.form.link;
      const payload = await sendForm(this, CREATE, variables, "createAccount", FIELDS);
      if (!payload) return;
      this.done = payload.account;
      this.form.username = "";
      this.form.password = "";
    },
  },
  template: `
    <form class="card" novalidate aria-labelledby="account-form-title" @submit.prevent="submit">
      <h3 id="account-form-title">{{ t('pools.createAccount') }}</h3>
      <p v-if="done" class="success" role="status">{{ t('pools.accountDone', { name: done.username, role: label('role', done.role) }) }}</p>
      <form-alert :messages="general" />
      <div class="form-grid">
        <div class="field">
          <label for="acc-username">{{ t('login.username') }}</label>
          <input id="acc-username" v-model="form.username" autocomplete="off" :aria-invalid="Boolean(errors.username)" aria-describedby="acc-username-errors">
          <field-errors id="acc-username-errors" :messages="errors.username || []" />
        </div>
        <div class="field">
          <label for="acc-password">{{ t('login.password') }}</label>
          <input id="acc-password" v-model="form.password" type="password" autocomplete="new-password" :aria-invalid="Boolean(errors.password)" aria-describedby="acc-password-errors">
          <field-errors id="acc-password-errors" :messages="errors.password || []" />
        </div>
        <div class="field">
          <label for="acc-role">{{ t('pools.role') }}</label>
          <select id="acc-role" v-model="form.role" :aria-invalid="Boolean(errors.role)" aria-describedby="acc-role-errors">
            <option v-for="r in ROLES" :key="r" :value="r">{{ label('role', r) }}</option>
          </select>
          <field-errors id="acc-role-errors" :messages="errors.role || []" />
        </div>
        <div v-if="linkKind === 'publisher'" class="field">
          <label for="acc-district">{{ t('project.district') }}</label>
          <select id="acc-district" v-model="form.district">
            <option value="">{{ t('publish.chooseDistrict') }}</option>
            <option v-for="d in districts" :key="d.id" :value="d.id">{{ d.name }}</option>
          </select>
        </div>
        <div v-else-if="linkKind" class="field">
          <label for="acc-search">{{ t('pools.searchLink') }}</label>
          <input id="acc-search" v-model="form.search" type="search" @keydown.enter.prevent="find" @change="find">
        </div>
        <div v-if="linkKind" class="field wide">
          <label for="acc-link">{{ t('pools.link.' + linkKind) }}</label>
          <select id="acc-link" v-model="form.link" :aria-invalid="Boolean(errors.link)" aria-describedby="acc-link-errors">
            <option value="">{{ t('pools.chooseLink') }}</option>
            <option v-for="c in choices" :key="c.id" :value="c.id">{{ c.text }}</option>
          </select>
          <field-errors id="acc-link-errors" :messages="errors.link || []" />
        </div>
      </div>
      <button type="submit" class="button" :disabled="sending">{{ sending ? t('state.sending') : t('pools.create') }}</button>
    </form>`,
};
