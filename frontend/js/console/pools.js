// 资源库与账号 (organizer): add organizations and experts to the pools, create logins.
import { gql, problemText } from "../api.js";
import { AccountForm } from "./account-form.js";
import { OrganizationForm, SupervisorForm } from "./pool-forms.js";

export default {
  name: "PoolsSection",
  components: { AccountForm, OrganizationForm, SupervisorForm },
  props: { fair: { type: Object, default: null } },
  data() {
    return { districts: [], error: "" };
  },
  async created() {
    try {
      this.districts = (await gql("query Districts { districts { id name } }")).districts;
    } catch (error) {
      this.error = problemText(error);
    }
  },
  template: `
    <section aria-labelledby="pools-title">
      <h2 id="pools-title">{{ t('console.pools') }}</h2>
      <p v-if="error" class="form-alert" role="alert">{{ error }}</p>
      <div class="stack">
        <organization-form :districts="districts" />
        <supervisor-form :districts="districts" />
        <account-form :districts="districts" />
      </div>
    </section>`,
};
