// Residents' satisfaction on the project page: the latest survey window's figures for
// everyone (once past the threshold) and approved comments; for the organizer and the
// project's publisher also the window's controls (open, QR code, A4 poster, close) and
// the comments waiting for moderation.
import { mutate, problemText, sendForm } from "../api.js";
import { t } from "../i18n.js";
import { FieldErrors, FormAlert } from "./states.js";

export const SATISFACTION_FIELDS = `
  count minAnswers shown mean distribution score questions { key text mean }
  window { id code link qrCodeUrl posterUrl isOpen opensAt closesAt }
  comments(first: 50) { id text status submittedAt }`;

const OPEN = `
mutation OpenSurvey($project: ID!, $closesAt: DateTime!) {
  openSatisfactionSurvey(project: $project, closesAt: $closesAt) {
    survey { id code } errors { code field message }
  }
}`;

const CLOSE = `
mutation CloseSurvey($survey: ID!) {
  closeSatisfactionSurvey(survey: $survey) { survey { id isOpen } errors { code field message } }
}`;

const MODERATE = `
mutation ModerateComment($comment: ID!, $approve: Boolean!) {
  moderateSatisfactionComment(comment: $comment, approve: $approve) { comment { id status } errors { code field message } }
}`;

const DEFAULT_DAYS = 14;

/** YYYY-MM-DD of a date in the browser's calendar. */
function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export const SurveyPanel = {
  components: { FieldErrors, FormAlert },
  props: {
    project: { type: Object, required: true },
    manages: { type: Boolean, default: false },
  },
  emits: ["changed"],
  data() {
    const until = new Date(Date.now() + DEFAULT_DAYS * 86400000);
    return { closesOn: isoDay(until), errors: {}, general: [], sending: false, busy: null };
  },
  computed: {
    satisfaction() {
      return this.project.satisfaction;
    },
    window() {
      return this.satisfaction?.window ?? null;
    },
    canOpen() {
      return this.manages && this.project.status === "IN_DELIVERY" && !(this.window && this.windowRunning);
    },
    windowRunning() {
      return this.window && new Date(this.window.closesAt) > new Date();
    },
    pending() {
      return (this.satisfaction?.comments ?? []).filter((c) => c.status === "PENDING");
    },
    published() {
      return (this.satisfaction?.comments ?? []).filter((c) => c.status === "APPROVED");
    },
    maxCount() {
      return Math.max(1, ...(this.satisfaction?.distribution ?? [1]));
    },
  },
  methods: {
    async open() {
      this.errors = {};
      this.general = [];
      if (!/^\d{4}-\d{2}-\d{2}$/.test(this.closesOn)) {
        this.errors = { closesAt: [t("survey.pickDate")] };
        return;
      }
      // The end of the chosen day in the city (UTC+8), whatever the browser's zone.
      const closesAt = `${this.closesOn}T23:59:59+08:00`;
      const payload = await sendForm(this, OPEN, { project: this.project.id, closesAt }, "openSatisfactionSurvey", { closesAt: "closesAt", opensAt: "closesAt" });
      if (payload) this.$emit("changed");
    },
    async act(document, variables, field, key) {
      this.busy = key;
      this.general = [];
      try {
        const result = await mutate(document, variables, field);
        if (result.ok) this.$emit("changed");
        else this.general = result.errors.map((e) => e.text);
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.busy = null;
      }
    },
    close() {
      return this.act(CLOSE, { survey: this.window.id }, "closeSatisfactionSurvey", "close");
    },
    moderate(comment, approve) {
      return this.act(MODERATE, { comment: comment.id, approve }, "moderateSatisfactionComment", comment.id);
    },
  },
  template: `
    <section class="card survey-panel" aria-labelledby="satisfaction-title">
      <h2 id="satisfaction-title">{{ t('satisfaction.title') }}</h2>
      <form-alert :messages="general" />
      <p v-if="!satisfaction" class="muted">{{ t('satisfaction.none') }}</p>
      <template v-else>
        <p class="satisfaction-count">
          {{ t('satisfaction.count', { n: satisfaction.count }) }}
          <span class="muted small">· {{ window.isOpen ? t('satisfaction.openUntil', { at: dateTime(window.closesAt) }) : t('satisfaction.closedAt', { at: dateTime(window.closesAt) }) }}</span>
        </p>
        <p v-if="!satisfaction.shown" class="muted">{{ t('satisfaction.belowThreshold', { n: satisfaction.minAnswers }) }}</p>
        <div v-else class="satisfaction-figures">
          <p class="satisfaction-mean"><strong>{{ satisfaction.mean.toFixed(2) }}</strong> / 5
            <span class="muted">· {{ t('satisfaction.score', { score: score(satisfaction.score) }) }}</span></p>
          <ol class="distribution" :aria-label="t('satisfaction.distribution')">
            <li v-for="(n, i) in satisfaction.distribution" :key="i">
              <span class="distribution-mark">{{ i + 1 }} ★</span>
              <span class="distribution-bar"><span :style="{ width: (100 * n / maxCount) + '%' }"></span></span>
              <span class="distribution-count">{{ n }}</span>
            </li>
          </ol>
          <ul class="plain-list small">
            <li v-for="q in satisfaction.questions" :key="q.key">{{ q.text }} <strong>{{ q.mean === null ? '—' : q.mean.toFixed(2) }}</strong></li>
          </ul>
        </div>
        <div v-if="manages && window.link" class="survey-window">
          <img class="survey-qr" :src="window.qrCodeUrl" :alt="t('satisfaction.qrAlt')" width="160" height="160">
          <div>
            <p><span class="muted small">{{ t('satisfaction.link') }}</span><br><a :href="window.link" class="survey-link">{{ window.link }}</a></p>
            <p><a class="button small" :href="window.posterUrl" target="_blank" rel="noopener" download>{{ t('satisfaction.poster') }}</a></p>
            <button v-if="window.isOpen" type="button" class="button small secondary" :disabled="busy === 'close'" @click="close">{{ t('satisfaction.close') }}</button>
          </div>
        </div>
        <template v-if="manages && pending.length">
          <h3>{{ t('satisfaction.pending', { n: pending.length }) }}</h3>
          <ul class="plain-list comments">
            <li v-for="c in pending" :key="c.id" class="comment">
              <p class="prose">{{ c.text }}</p>
              <span class="muted small">{{ dateTime(c.submittedAt) }}</span>
              <button type="button" class="button small" :disabled="busy === c.id" @click="moderate(c, true)">{{ t('satisfaction.approve') }}</button>
              <button type="button" class="button small secondary" :disabled="busy === c.id" @click="moderate(c, false)">{{ t('satisfaction.reject') }}</button>
            </li>
          </ul>
        </template>
        <template v-if="published.length">
          <h3>{{ t('satisfaction.comments') }}</h3>
          <ul class="plain-list comments">
            <li v-for="c in published" :key="c.id" class="comment"><p class="prose">{{ c.text }}</p></li>
          </ul>
        </template>
      </template>
      <form v-if="canOpen" class="inline-form survey-open" novalidate @submit.prevent="open">
        <div class="field">
          <label for="survey-closes">{{ t('satisfaction.closesOn') }}</label>
          <input id="survey-closes" v-model="closesOn" type="date" :aria-invalid="Boolean(errors.closesAt)" aria-describedby="survey-closes-errors">
          <field-errors id="survey-closes-errors" :messages="errors.closesAt || []" />
        </div>
        <button type="submit" class="button" :disabled="sending">{{ t('satisfaction.open') }}</button>
      </form>
    </section>`,
};
