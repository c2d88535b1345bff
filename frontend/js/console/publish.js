// 发布项目清单: upload a filled template (publish-file.js), or paste the project list from
// a spreadsheet (one project a row), check it in the preview, publish all or nothing.
// Problems are shown on their row and column.
import { gql, mutate, problemText } from "../api.js";
import { parseTable } from "../csv.js";
import { PROCUREMENTS, PROJECT_TYPES, SERVICE_CLASSES } from "../enums.js";
import { parseCount, parseMoney } from "../format.js";
import { t } from "../i18n.js";
import { MESSAGES } from "../messages.js";
import { session } from "../session.js";
import { FieldErrors, FormAlert } from "../components/states.js";
import PublishFileSection from "./publish-file.js";

const COLUMNS = [
  { key: "code", required: true },
  { key: "title", required: true },
  { key: "description", required: true },
  { key: "serviceClass", required: true, kind: "serviceClass", values: SERVICE_CLASSES },
  { key: "projectType", required: true, kind: "projectType", values: PROJECT_TYPES },
  { key: "procurement", required: true, kind: "procurement", values: PROCUREMENTS },
  { key: "budget", required: true, kind: "money" },
  { key: "minSocialWorkers", kind: "count" },
  { key: "servicePeriodMonths", required: true, kind: "count" },
  { key: "beneficiaries", required: true },
  { key: "community" },
  { key: "catalogItem", required: true },
  { key: "communityOpinion", required: true }, // the city publishes nothing without it
  { key: "keySupport", kind: "bool" },
];

const LOOKUPS = `
query PublishLookups($district: ID) {
  districts { id name }
  publishers(district: $district) { id name kind district { id name } }
  catalogItems { code name serviceClass negativeList }
}`;

const PUBLISH = `
mutation PublishProjects($fair: ID!, $projects: [ProjectInput!]!) {
  publishProjects(fair: $fair, projects: $projects) {
    projects { id code title }
    errors { code field message }
  }
}`;

/**
 * The column a header cell names: its Chinese or English label or the API's field name,
 * exactly, or else the longest Chinese label it starts with ("服务周期（月）", "预算（元）").
 */
function columnOf(header) {
  const text = header.trim().toLowerCase();
  const labels = COLUMNS.map((c) => [c, ...MESSAGES[`publish.col.${c.key}`]]);
  const exact = labels.find(([c, zh, en]) => text === c.key.toLowerCase() || text === zh || text === en.toLowerCase());
  if (exact) return exact[0];
  const prefixed = labels
    .filter(([, zh]) => text.startsWith(zh.replace(/（.*$/, "")))
    .sort((a, b) => b[1].length - a[1].length);
  return prefixed[0]?.[0];
}

/** An enum value from its name or its label in either language ("为老", "ELDERLY", "Elderly"). */
function enumValue(kind, values, cell) {
  const text = cell.trim();
  return values.find((value) => {
    if (value === text.toUpperCase()) return true;
    const [zh, en] = MESSAGES[`${kind}.${value}`];
    return zh === text || (text.length >= 2 && zh.startsWith(text)) || en.toLowerCase() === text.toLowerCase();
  });
}

function cellValue(column, cell) {
  if (cell === "") return { value: null, error: column.required ? "form.required" : null };
  switch (column.kind) {
    case "serviceClass":
    case "projectType":
    case "procurement": {
      const value = enumValue(column.kind, column.values, cell);
      return value ? { value } : { value: null, error: "publish.unknownValue" };
    }
    case "money": {
      const value = parseMoney(cell);
      return value ? { value } : { value: null, error: "form.moneyFormat" };
    }
    case "count": {
      const value = parseCount(cell);
      return value === null ? { value: null, error: "form.countFormat" } : { value };
    }
    case "bool":
      return { value: /^(是|y|yes|true|1|√)$/i.test(cell) };
    default:
      return { value: cell };
  }
}

export default {
  name: "PublishSection",
  components: { FieldErrors, FormAlert, PublishFileSection },
  props: { fair: { type: Object, default: null } },
  data() {
    return {
      text: "",
      districts: [],
      publishers: [],
      catalog: [],
      district: session.account?.publisher?.district.id ?? "",
      publisher: session.account?.publisher?.id ?? "",
      serverErrors: {}, // row index → { column key → [text] }
      general: [],
      published: [],
      sending: false,
      lookupError: "",
    };
  },
  computed: {
    ownPublisher() {
      return session.account?.role === "PUBLISHER" ? session.account.publisher : null;
    },
    table() {
      const rows = parseTable(this.text);
      if (!rows.length) return { columns: [], rows: [], headerError: null };
      const columns = rows[0].map(columnOf);
      const missing = COLUMNS.filter((c) => c.required && !columns.includes(c));
      const headerError = missing.length ? t("publish.missingColumns", { names: missing.map((c) => t(`publish.col.${c.key}`)).join("、") }) : null;
      const parsed = rows.slice(1).map((cells) => {
        const input = {};
        const errors = {};
        COLUMNS.forEach((column) => {
          const index = columns.indexOf(column);
          const { value, error } = cellValue(column, index >= 0 ? cells[index] ?? "" : "");
          if (error) errors[column.key] = [t(error)];
          else if (value !== null) input[column.key] = value;
        });
        return { cells, input, errors };
      });
      return { columns, rows: parsed, headerError };
    },
    clientErrors() {
      return this.table.rows.some((row) => Object.keys(row.errors).length);
    },
    errorList() {
      const list = [];
      this.table.rows.forEach((row, i) => {
        const byColumn = { ...row.errors, ...(this.serverErrors[i] ?? {}) };
        for (const [key, messages] of Object.entries(byColumn)) {
          for (const message of messages) {
            list.push(key === ""
              ? t("publish.rowErrorNoColumn", { row: i + 1, message })
              : t("publish.rowError", { row: i + 1, column: t(`publish.col.${key}`), message }));
          }
        }
      });
      return list;
    },
  },
  watch: {
    district() {
      if (!this.ownPublisher) {
        this.publisher = "";
        this.lookups = this.loadLookups();
      }
    },
    text() {
      this.serverErrors = {};
      this.general = [];
    },
  },
  created() {
    this.lookups = this.loadLookups();
  },
  methods: {
    async loadLookups() {
      try {
        const data = await gql(LOOKUPS, { district: this.district || null });
        this.districts = data.districts;
        this.publishers = this.district ? data.publishers : [];
        this.catalog = data.catalogItems.filter((item) => !item.negativeList);
      } catch (error) {
        this.lookupError = problemText(error);
      }
    },
    columnsText() {
      return COLUMNS.map((c) => t(`publish.col.${c.key}`)).join("、");
    },
    cellClass(rowIndex, column) {
      if (!column) return "";
      const server = this.serverErrors[rowIndex]?.[column.key];
      return this.table.rows[rowIndex].errors[column.key] || server ? "cell-error" : "";
    },
    async example() {
      await this.lookups; // the example names real catalogue items
      const item = (cls) => this.catalog.find((c) => c.serviceClass === cls)?.code ?? "";
      const stamp = Date.now().toString(36).slice(-4).toUpperCase();
      const header = COLUMNS.map((c) => t(`publish.col.${c.key}`)).join("\t");
      const rows = [
        [`${new Date().getFullYear()}-NEW-${stamp}1`, "社区长者助餐服务项目", "为社区 80 岁以上独居老人提供每日助餐和探访。", "为老服务", "社区公益服务", "直接认领", "80000.00", "0", "12", "独居老人 60 人", "", item("ELDERLY"), "社区居委会同意实施", "否"],
        [`${new Date().getFullYear()}-NEW-${stamp}2`, "青少年课后成长营", "为双职工家庭子女提供课后托管与成长小组。", "为小服务", "社区公共服务", "竞争性评审", "150000.00", "2", "12", "青少年 120 人", "", item("CHILDREN"), "街道同意实施", "是"],
      ];
      this.text = [header, ...rows.map((r) => r.join("\t"))].join("\n");
    },
    async publish() {
      this.general = [];
      this.serverErrors = {};
      this.published = [];
      if (!this.fair) return;
      if (!this.publisher) {
        this.general = [t("publish.choosePublisher")];
        return;
      }
      if (this.table.headerError || this.clientErrors || !this.table.rows.length) {
        this.general = [this.table.headerError ?? (this.table.rows.length ? t("publish.fixRows") : t("publish.empty"))];
        return;
      }
      const district = this.ownPublisher ? this.ownPublisher.district.id : this.district;
      const projects = this.table.rows.map((row) => ({ ...row.input, publisher: this.publisher, district }));
      this.sending = true;
      try {
        const result = await mutate(PUBLISH, { fair: this.fair.id, projects }, "publishProjects");
        if (result.ok) {
          this.published = result.payload.projects;
          this.text = "";
          return;
        }
        for (const error of result.errors) {
          const [root, index, field] = error.field ?? [];
          if (root === "projects" && index !== undefined && /^\d+$/.test(index)) {
            const row = (this.serverErrors[Number(index)] ??= {});
            const key = COLUMNS.some((c) => c.key === field) ? field : "";
            (row[key] ??= []).push(error.text);
          } else {
            this.general.push(error.text);
          }
        }
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = false;
      }
    },
  },
  template: `
    <section aria-labelledby="publish-title">
      <h2 id="publish-title">{{ t('console.publish') }}</h2>
      <publish-file-section :fair="fair" />
      <h3>{{ t('publish.pasteTitle') }}</h3>
      <p class="hint">{{ t('publish.intro') }}</p>
      <p v-if="lookupError" class="form-alert" role="alert">{{ lookupError }}</p>
      <div v-if="published.length" class="success" role="status">
        <p>{{ t('publish.done', { n: published.length }) }}</p>
        <ul><li v-for="p in published" :key="p.id"><a :href="href('/project/' + p.id)">{{ p.code }} {{ p.title }}</a></li></ul>
      </div>
      <form class="card" novalidate @submit.prevent="publish">
        <form-alert :messages="general" />
        <div class="form-grid">
          <div class="field">
            <label for="publish-fair">{{ t('results.fair') }}</label>
            <input id="publish-fair" :value="fair ? fair.name : t('hall.noFair')" readonly>
          </div>
          <template v-if="ownPublisher">
            <div class="field">
              <label for="publish-publisher">{{ t('project.publisher') }}</label>
              <input id="publish-publisher" :value="ownPublisher.name + ' · ' + ownPublisher.district.name" readonly>
            </div>
          </template>
          <template v-else>
            <div class="field">
              <label for="publish-district">{{ t('project.district') }}</label>
              <select id="publish-district" v-model="district">
                <option value="">{{ t('publish.chooseDistrict') }}</option>
                <option v-for="d in districts" :key="d.id" :value="d.id">{{ d.name }}</option>
              </select>
            </div>
            <div class="field">
              <label for="publish-publisher">{{ t('project.publisher') }}</label>
              <select id="publish-publisher" v-model="publisher" :disabled="!district">
                <option value="">{{ t('publish.choosePublisher') }}</option>
                <option v-for="p in publishers" :key="p.id" :value="p.id">{{ p.name }}（{{ label('publisherKind', p.kind) }}）</option>
              </select>
            </div>
          </template>
          <div class="field wide">
            <label for="publish-text">{{ t('publish.list') }}</label>
            <textarea id="publish-text" v-model="text" rows="8" class="mono" spellcheck="false" aria-describedby="publish-columns"></textarea>
            <p id="publish-columns" class="hint">{{ t('publish.columns', { names: columnsText() }) }}</p>
          </div>
        </div>
        <p class="actions">
          <button type="button" class="button secondary" @click="example">{{ t('publish.example') }}</button>
          <button type="submit" class="button" :disabled="sending || !fair">{{ sending ? t('state.sending') : t('publish.submit', { n: table.rows.length }) }}</button>
        </p>
      </form>

      <section v-if="table.rows.length" class="card" aria-labelledby="preview-title">
        <h3 id="preview-title">{{ t('publish.preview', { n: table.rows.length }) }}</h3>
        <p v-if="table.headerError" class="field-error">{{ table.headerError }}</p>
        <div class="table-wrap">
          <table class="preview">
            <thead><tr><th scope="col">#</th><th v-for="(column, i) in table.columns" :key="i" scope="col">{{ column ? t('publish.col.' + column.key) : t('publish.ignored') }}</th></tr></thead>
            <tbody>
              <tr v-for="(row, r) in table.rows" :key="r" :class="{ 'row-error': Object.keys(row.errors).length || serverErrors[r] }">
                <th scope="row">{{ r + 1 }}</th>
                <td v-for="(column, c) in table.columns" :key="c" :class="cellClass(r, column)">{{ row.cells[c] }}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <div v-if="errorList.length" class="form-alert" role="alert">
          <p v-for="message in errorList" :key="message">{{ message }}</p>
        </div>
      </section>

      <details class="card">
        <summary>{{ t('publish.catalog') }}</summary>
        <ul class="catalog-list">
          <li v-for="item in catalog" :key="item.code"><code>{{ item.code }}</code> {{ item.name }} <span class="muted small">{{ label('serviceClass', item.serviceClass) }}</span></li>
        </ul>
      </details>
    </section>`,
};
