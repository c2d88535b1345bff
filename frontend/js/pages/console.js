// 管理台 (organizer and publisher accounts): one section per task, each its own module.
//   #/console/claims       watch claims and bids, award            (organizer, publisher)
//   #/console/publish      publish a project list                  (organizer, publisher)
//   #/console/fair         create a fair, move or end its window   (organizer)
//   #/console/supervisors  assign supervisors                      (organizer)
//   #/console/delivery     record evaluations and payments         (organizer)
//   #/console/pools        register organizations, add experts, create accounts (organizer)
//   #/console/audit        read the audit log                      (organizer)
import { gql, problemText } from "../api.js";
import { t } from "../i18n.js";
import { navigate, route } from "../router.js";
import { homeOf, session } from "../session.js";
import AuditSection from "../console/audit.js";
import ClaimsSection from "../console/claims.js";
import DeliverySection from "../console/delivery.js";
import FairSection from "../console/fair.js";
import PoolsSection from "../console/pools.js";
import PublishSection from "../console/publish.js";
import SupervisorsSection from "../console/supervisors.js";
import { ErrorState, LoadingState } from "../components/states.js";

const SECTIONS = [
  { key: "claims", component: ClaimsSection, roles: ["ORGANIZER", "PUBLISHER"] },
  { key: "publish", component: PublishSection, roles: ["ORGANIZER", "PUBLISHER"] },
  { key: "fair", component: FairSection, roles: ["ORGANIZER"] },
  { key: "supervisors", component: SupervisorsSection, roles: ["ORGANIZER"] },
  { key: "delivery", component: DeliverySection, roles: ["ORGANIZER"] },
  { key: "pools", component: PoolsSection, roles: ["ORGANIZER"] },
  { key: "audit", component: AuditSection, roles: ["ORGANIZER"] },
];

const FAIR = `query ConsoleFair { fair { id edition name isOpen opensAt closesAt passMark criteria { key name weight } evaluationComponents { key name weight } } }`;

export default {
  name: "ConsolePage",
  components: { ErrorState, LoadingState },
  data() {
    return { fair: undefined, error: "" };
  },
  computed: {
    account() {
      return session.account;
    },
    sections() {
      return SECTIONS.filter((s) => s.roles.includes(this.account?.role));
    },
    current() {
      return this.sections.find((s) => s.key === route.parts[1]) ?? this.sections[0];
    },
  },
  watch: {
    "current.key": {
      immediate: true,
      handler(key) {
        document.title = key ? `${t(`console.${key}`)} · ${t("title.console")}` : t("title.console");
      },
    },
  },
  created() {
    if (!this.account) {
      navigate("/login", { next: route.path });
      return;
    }
    if (!["ORGANIZER", "PUBLISHER"].includes(this.account.role)) {
      navigate(homeOf(this.account));
      return;
    }
    this.loadFair();
  },
  methods: {
    async loadFair() {
      this.error = "";
      try {
        this.fair = (await gql(FAIR)).fair;
      } catch (error) {
        this.error = problemText(error);
      }
    },
  },
  template: `
    <section class="page console">
      <header class="page-header">
        <h1>{{ t('console.title') }}</h1>
        <p class="lead">
          <template v-if="account && account.publisher">{{ account.publisher.name }} · </template>
          <template v-if="fair">{{ fair.name }}
            <span class="badge" :class="fair.isOpen ? 'status-published' : 'neutral'">{{ fair.isOpen ? t('fair.open') : t('fair.closed') }}</span>
          </template>
        </p>
      </header>
      <nav class="sub-nav" :aria-label="t('console.sections')">
        <ul>
          <li v-for="s in sections" :key="s.key">
            <a :href="href('/console/' + s.key)" :aria-current="current && current.key === s.key ? 'page' : null">{{ t('console.' + s.key) }}</a>
          </li>
        </ul>
      </nav>
      <error-state v-if="error" :message="error" :retry="loadFair" />
      <loading-state v-else-if="fair === undefined" />
      <component :is="current.component" v-else-if="current" :key="current.key" :fair="fair" @fair-changed="loadFair" />
    </section>`,
};
