// 发布项目清单: upload a filled template (publish-file.js), or paste the project list from
// a spreadsheet (the template's rows with their header, one project a row), check it, then
// publish all or nothing. The pasted table goes to the server as a CSV file through the
// same import as an uploaded file, so both accept the same columns, header variants,
// amounts (4.5万元) and marks (√ ×); problems are shown on their row and column.
import { gql, problemText } from "../api.js";
import { parseTable, templateColumn, toCsv } from "../csv.js";
import { t } from "../i18n.js";
import { session } from "../session.js";
import { uploadMutation } from "../upload.js";
import { FormAlert } from "../components/states.js";
import PublishFileSection from "./publish-file.js";

const LOOKUPS = `
query PublishLookups($district: ID) {
  districts { id name }
  publishers(district: $district) { id name kind district { id name } }
  catalogItems { code name serviceClass negativeList }
}`;

const IMPORT = `
mutation ImportPastedProjects($fair: ID!, $file: Upload!, $dryRun: Boolean) {
  importProjects(fair: $fair, file: $file, dryRun: $dryRun) {
    errors { code field message }
    warnings { field message }
    rowCount totalBudget dryRun
    projects { id code title }
  }
}`;

// The example's columns: the template's own headers, as a copied block of the template has.
const EXAMPLE_HEADERS = ["项目编号", "项目名称", "项目简介", "服务类别", "项目类型", "采购方式", "预算（元）", "最少持证社工", "服务周期（月）", "服务对象", "实施社区", "目录编码", "社区/街道意见", "重点扶持"];
const PLACE_COLUMNS = ["发布单位", "实施区"];

/** A server message's place: ["file", "rows", "3", "预算（元）"] → { index: 1, column }. */
function cellOf(field) {
  const [root, kind, row, column] = field ?? [];
  if (root !== "file" || kind !== "rows" || !/^\d+$/.test(row ?? "")) return null;
  return { index: Number(row) - 2, column: column ?? "" }; // the pasted header is row 1
}

export default {
  name: "PublishSection",
  components: { FormAlert, PublishFileSection },
  props: { fair: { type: Object, default: null } },
  data() {
    return {
      text: "",
      districts: [],
      publishers: [],
      catalog: [],
      district: session.account?.publisher?.district.id ?? "",
      publisher: session.account?.publisher?.id ?? "",
      rowErrors: {}, // row index → [{ column, text }]
      general: [],
      warnings: [],
      checked: null, // the payload of a check that passed
      published: [],
      publishedWarnings: [],
      sending: "", // "check" or "publish" while a request runs
      lookupError: "",
    };
  },
  computed: {
    ownPublisher() {
      return session.account?.role === "PUBLISHER" ? session.account.publisher : null;
    },
    table() {
      const rows = parseTable(this.text);
      if (!rows.length) return { header: [], columns: [], rows: [] };
      return { header: rows[0], columns: rows[0].map(templateColumn), rows: rows.slice(1) };
    },
    /** The publisher and district chosen above, by the names the import reads. */
    place() {
      if (this.ownPublisher) return [this.ownPublisher.name, this.ownPublisher.district.name];
      const publisher = this.publishers.find((p) => p.id === this.publisher);
      return publisher ? [publisher.name, publisher.district.name] : null;
    },
    namesPlaces() {
      return PLACE_COLUMNS.every((column) => this.table.columns.includes(column));
    },
    errorList() {
      return Object.entries(this.rowErrors).flatMap(([index, errors]) =>
        errors.map((error) => (error.column
          ? t("publish.rowError", { row: Number(index) + 1, column: error.column, message: error.text })
          : t("publish.rowErrorNoColumn", { row: Number(index) + 1, message: error.text }))));
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
      this.clear();
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
    clear() {
      this.rowErrors = {};
      this.general = [];
      this.warnings = [];
      this.checked = null;
    },
    columnsText() {
      return EXAMPLE_HEADERS.join("、");
    },
    cellClass(rowIndex, column) {
      const errors = this.rowErrors[rowIndex] ?? [];
      return column && errors.some((e) => e.column === column) ? "cell-error" : "";
    },
    /** The pasted table as a CSV file, with the chosen publisher and district as columns
     * (a pasted 发布单位 / 实施区 column comes first, so it wins). */
    pastedFile() {
      const [header, ...rows] = parseTable(this.text);
      const extra = this.place ?? [];
      const table = [[...header, ...(extra.length ? PLACE_COLUMNS : [])], ...rows.map((r) => [...r, ...extra])];
      return new File([toCsv(table)], "粘贴的项目清单.csv", { type: "text/csv" });
    },
    async example() {
      await this.lookups; // the example names real catalogue items
      const item = (cls) => this.catalog.find((c) => c.serviceClass === cls)?.code ?? "";
      const stamp = Date.now().toString(36).slice(-4).toUpperCase();
      const year = new Date().getFullYear();
      const rows = [
        [`${year}-NEW-${stamp}1`, "社区长者助餐服务项目", "为社区 80 岁以上独居老人提供每日助餐和探访。", "为老服务", "社区公益服务", "直接认领", "80000.00", "0", "12", "独居老人 60 人", "", item("ELDERLY"), "社区居委会同意实施", "否"],
        [`${year}-NEW-${stamp}2`, "青少年课后成长营", "为双职工家庭子女提供课后托管与成长小组。", "为小服务", "社区公共服务", "竞争性评审", "150000.00", "2", "12", "青少年 120 人", "", item("CHILDREN"), "街道同意实施", "是"],
      ];
      this.text = [EXAMPLE_HEADERS, ...rows].map((r) => r.join("\t")).join("\n");
    },
    async send(dryRun) {
      this.clear();
      this.published = [];
      this.publishedWarnings = [];
      if (!this.fair) return;
      if (!this.table.rows.length) {
        this.general = [t("publish.empty")];
        return;
      }
      if (!this.place && !this.namesPlaces) {
        this.general = [t("publish.choosePublisher")];
        return;
      }
      this.sending = dryRun ? "check" : "publish";
      try {
        const variables = { fair: this.fair.id, dryRun };
        const result = await uploadMutation(IMPORT, variables, "file", this.pastedFile(), "importProjects");
        this.warnings = (result.payload.warnings ?? []).map((w) => this.located(w.field, w.message));
        if (result.ok) this.done(result.payload);
        else this.show(result.errors);
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = "";
      }
    },
    located(field, message) {
      const cell = cellOf(field);
      if (!cell) return message;
      return cell.column
        ? t("publish.rowError", { row: cell.index + 1, column: cell.column, message })
        : t("publish.rowErrorNoColumn", { row: cell.index + 1, message });
    },
    done(payload) {
      if (payload.dryRun) {
        this.checked = payload;
        return;
      }
      this.published = payload.projects;
      this.publishedWarnings = this.warnings; // kept with the result: the text is cleared
      this.text = "";
    },
    show(errors) {
      const byRow = {};
      for (const error of errors) {
        const cell = cellOf(error.field);
        if (cell && cell.index >= 0) (byRow[cell.index] ??= []).push({ column: cell.column, text: error.text });
        else this.general.push(error.text);
      }
      this.rowErrors = byRow;
      if (Object.keys(byRow).length) this.general.unshift(t("publish.fixRows"));
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
        <ul v-if="publishedWarnings.length" class="warnings"><li v-for="w in publishedWarnings" :key="w">{{ w }}</li></ul>
      </div>
      <form class="card" novalidate @submit.prevent="send(false)">
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
          <button type="button" class="button secondary" :disabled="!!sending || !fair" @click="send(true)">{{ sending === 'check' ? t('state.sending') : t('publish.check') }}</button>
          <button type="submit" class="button" :disabled="!!sending || !fair">{{ sending === 'publish' ? t('state.sending') : t('publish.submit', { n: table.rows.length }) }}</button>
        </p>
        <p v-if="checked" class="success" role="status">{{ t('publish.checked', { n: count(checked.rowCount), budget: yuan(checked.totalBudget) }) }}</p>
        <div v-if="warnings.length" class="notice" role="status">
          <p>{{ t('publish.warnings') }}</p>
          <ul><li v-for="w in warnings" :key="w">{{ w }}</li></ul>
        </div>
      </form>

      <section v-if="table.rows.length" class="card" aria-labelledby="preview-title">
        <h3 id="preview-title">{{ t('publish.preview', { n: table.rows.length }) }}</h3>
        <div class="table-wrap">
          <table class="preview">
            <thead><tr><th scope="col">#</th><th v-for="(column, i) in table.columns" :key="i" scope="col">{{ column ?? t('publish.ignored') }}</th></tr></thead>
            <tbody>
              <tr v-for="(cells, r) in table.rows" :key="r" :class="{ 'row-error': rowErrors[r] }">
                <th scope="row">{{ r + 1 }}</th>
                <td v-for="(column, c) in table.columns" :key="c" :class="cellClass(r, column)">{{ cells[c] }}</td>
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
