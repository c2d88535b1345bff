// 从表格文件发布: download the template, fill it in, upload it (.xlsx or .csv) to check it
// ("只检查", nothing written) or to publish it, all or nothing. The server reports every
// bad cell by its row (the header is row 1) and column; they are listed in a table.
import { problemText } from "../api.js";
import { t } from "../i18n.js";
import { uploadMutation } from "../upload.js";
import { FormAlert } from "../components/states.js";

const IMPORT = `
mutation ImportProjects($fair: ID!, $file: Upload!, $dryRun: Boolean) {
  importProjects(fair: $fair, file: $file, dryRun: $dryRun) {
    errors { code field message }
    warnings { field message }
    rowCount totalBudget dryRun
    projects { id code title }
  }
}`;

const ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv";

/** A warning with its place: ["file", "rows", "7"] → 第 7 行：…（the header is row 1）. */
function warningText({ field, message }) {
  const [root, kind, row, column] = field ?? [];
  if (root !== "file" || kind !== "rows") return message;
  return column ? t("upload.cellNote", { row, column, message }) : t("upload.rowNote", { row, message });
}

export default {
  name: "PublishFileSection",
  components: { FormAlert },
  props: { fair: { type: Object, default: null } },
  emits: ["published"],
  data() {
    return {
      file: null,
      sending: "", // "check" or "publish" while a request runs
      general: [],
      rowErrors: [], // { row, column, text }
      warnings: [], // what the import did on its own: skipped 合计 rows, raised numbers
      checked: null, // the payload of a dry run that passed
      published: [],
      accept: ACCEPT,
    };
  },
  methods: {
    choose(event) {
      this.file = event.target.files[0] ?? null;
      this.clear();
    },
    clear() {
      this.general = [];
      this.rowErrors = [];
      this.warnings = [];
      this.checked = null;
      this.published = [];
    },
    async send(dryRun) {
      this.clear();
      if (!this.fair) return;
      if (!this.file) {
        this.general = [t("upload.chooseFile")];
        return;
      }
      this.sending = dryRun ? "check" : "publish";
      try {
        const variables = { fair: this.fair.id, dryRun };
        const result = await uploadMutation(IMPORT, variables, "file", this.file, "importProjects");
        this.warnings = (result.payload.warnings ?? []).map(warningText);
        if (result.ok) this.done(result.payload);
        else this.show(result.errors);
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = "";
      }
    },
    done(payload) {
      if (payload.dryRun) {
        this.checked = payload;
        return;
      }
      this.published = payload.projects;
      this.file = null;
      this.$refs.input.value = "";
      this.$emit("published", payload.projects);
    },
    show(errors) {
      for (const error of errors) {
        // ["file", "rows", "12", "预算（元）"]: a cell; anything else concerns the whole file
        const [root, kind, row, column] = error.field ?? [];
        if (root === "file" && kind === "rows") this.rowErrors.push({ row, column: column ?? "", text: error.text });
        else this.general.push(error.text);
      }
      if (this.rowErrors.length) this.general.unshift(t("upload.errors", { n: this.rowErrors.length }));
    },
  },
  template: `
    <section class="card" aria-labelledby="upload-title">
      <h3 id="upload-title">{{ t('upload.title') }}</h3>
      <p class="hint">{{ t('upload.intro') }}</p>
      <p><a class="button secondary" href="/downloads/template.xlsx" download>{{ t('upload.template') }}</a></p>
      <form novalidate @submit.prevent="send(false)">
        <div class="field">
          <label for="upload-file">{{ t('upload.file') }}</label>
          <input id="upload-file" ref="input" type="file" :accept="accept" aria-describedby="upload-file-hint" @change="choose">
          <p id="upload-file-hint" class="hint">{{ t('upload.fileHint') }}</p>
        </div>
        <p class="actions">
          <button type="button" class="button secondary" :disabled="!!sending || !fair" @click="send(true)">{{ sending === 'check' ? t('state.sending') : t('upload.check') }}</button>
          <button type="submit" class="button" :disabled="!!sending || !fair">{{ sending === 'publish' ? t('state.sending') : t('upload.publish') }}</button>
        </p>
      </form>
      <form-alert :messages="general" />
      <div v-if="warnings.length" class="notice" role="status">
        <p>{{ t('publish.warnings') }}</p>
        <ul><li v-for="w in warnings" :key="w">{{ w }}</li></ul>
      </div>
      <p v-if="checked" class="success" role="status">{{ t('upload.checked', { n: count(checked.rowCount), budget: yuan(checked.totalBudget) }) }}</p>
      <div v-if="published.length" class="success" role="status">
        <p>{{ t('publish.done', { n: published.length }) }}</p>
        <ul><li v-for="p in published" :key="p.id"><a :href="href('/project/' + p.id)">{{ p.code }} {{ p.title }}</a></li></ul>
      </div>
      <div v-if="rowErrors.length" class="table-wrap">
        <table class="row-errors">
          <caption>{{ t('upload.errorsCaption') }}</caption>
          <thead><tr>
            <th scope="col">{{ t('upload.row') }}</th>
            <th scope="col">{{ t('upload.column') }}</th>
            <th scope="col">{{ t('upload.message') }}</th>
          </tr></thead>
          <tbody>
            <tr v-for="(error, i) in rowErrors" :key="i">
              <td>{{ error.row }}</td><td>{{ error.column }}</td><td>{{ error.text }}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>`,
};
