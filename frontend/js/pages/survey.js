// The resident's page, opened from the poster's QR code (/s/CODE → #/s/CODE): a short
// survey for a phone, no account. The page keeps a random device token in the browser so
// one device answers once; the phone number is optional and only hashed by the server.
import { formErrors, gql, mutate, problemText } from "../api.js";
import { t } from "../i18n.js";
import { route } from "../router.js";
import { ErrorState, FieldErrors, FormAlert, LoadingState } from "../components/states.js";

const SURVEY = `
query ResidentSurvey($code: String!) {
  satisfactionSurvey(code: $code) {
    code isOpen opensAt closesAt questions { key text }
    project { title community district { name } publisher { name } award { organization { name } } }
  }
}`;

const SUBMIT = `
mutation SubmitSurvey($code: String!, $input: SatisfactionAnswerInput!) {
  submitSatisfactionSurvey(code: $code, input: $input) { accepted commentPending errors { code field message } }
}`;

const DEVICE_KEY = "sheqia.survey.device";
const ANSWERED_KEY = "sheqia.survey.answered";
const MARKS = [1, 2, 3, 4, 5];

/** A random token kept on this device; getRandomValues works on plain http too. */
function deviceToken() {
  try {
    const kept = localStorage.getItem(DEVICE_KEY);
    if (kept) return kept;
  } catch {
    // storage unavailable: a token for this visit only
  }
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  try {
    localStorage.setItem(DEVICE_KEY, token);
  } catch {
    // not kept
  }
  return token;
}

function answeredCodes() {
  try {
    return JSON.parse(localStorage.getItem(ANSWERED_KEY) ?? "[]");
  } catch {
    return [];
  }
}

function rememberAnswered(code) {
  try {
    localStorage.setItem(ANSWERED_KEY, JSON.stringify([...new Set([...answeredCodes(), code])]));
  } catch {
    // the server still refuses a second answer
  }
}

export default {
  name: "SurveyPage",
  components: { ErrorState, FieldErrors, FormAlert, LoadingState },
  data() {
    return {
      scale: MARKS, survey: null, loading: true, error: "", overall: null, marks: {}, comment: "", phone: "",
      errors: {}, general: [], sending: false, done: null, answeredBefore: false,
    };
  },
  computed: {
    code() {
      return (route.parts[1] ?? "").toUpperCase();
    },
    notYet() {
      return this.survey && !this.survey.isOpen && new Date(this.survey.opensAt) > new Date();
    },
  },
  created() {
    document.title = t("survey.title");
    this.answeredBefore = answeredCodes().includes(this.code);
    this.load();
  },
  methods: {
    async load() {
      this.error = "";
      try {
        const data = await gql(SURVEY, { code: this.code });
        this.survey = data.satisfactionSurvey;
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    markLabel(mark) {
      return t(`survey.mark.${mark}`);
    },
    async submit() {
      this.errors = {};
      this.general = [];
      const missing = {};
      if (!this.overall) missing.overall = [t("survey.pick")];
      for (const q of this.survey.questions) if (!this.marks[q.key]) missing[q.key] = [t("survey.pick")];
      if (Object.keys(missing).length) {
        this.errors = missing;
        this.$nextTick(() => this.$el.querySelector("[aria-invalid='true']")?.focus());
        return;
      }
      const input = {
        deviceToken: deviceToken(),
        overall: this.overall,
        answers: this.survey.questions.map((q) => ({ question: q.key, score: this.marks[q.key] })),
        comment: this.comment.trim() || null,
        phone: this.phone.trim() || null,
      };
      const fields = {
        "input.overall": "overall",
        "input.comment": "comment",
        "input.phone": "phone",
        ...Object.fromEntries(this.survey.questions.map((q, i) => [`input.answers.${i}`, q.key])),
      };
      this.sending = true;
      try {
        const result = await mutate(SUBMIT, { code: this.code, input }, "submitSatisfactionSurvey");
        if (result.ok) {
          rememberAnswered(this.code);
          this.done = result.payload;
        } else if (result.errors.some((e) => e.code === "ALREADY_ANSWERED" || e.code === "SURVEY_CLOSED")) {
          this.general = result.errors.map((e) => e.text);
        } else {
          const sorted = formErrors(result.errors, fields);
          this.errors = sorted.byField;
          this.general = sorted.general;
        }
      } catch (error) {
        this.general = [problemText(error)];
      } finally {
        this.sending = false;
      }
      if (this.done) this.$nextTick(() => this.$refs.thanks?.focus());
    },
  },
  template: `
    <section class="page narrow survey-page">
      <loading-state v-if="loading" />
      <error-state v-else-if="error" :message="error" :retry="load" />
      <div v-else-if="!survey" class="state state-empty">
        <h1>{{ t('survey.notFound') }}</h1>
        <p>{{ t('survey.notFoundText') }}</p>
      </div>
      <template v-else>
        <header class="survey-header">
          <p class="eyebrow">{{ t('survey.title') }}</p>
          <h1>{{ survey.project.title }}</h1>
          <p class="meta">
            <span>{{ survey.project.district.name }}<template v-if="survey.project.community"> · {{ survey.project.community }}</template></span>
            <span v-if="survey.project.award">{{ t('survey.servedBy', { name: survey.project.award.organization.name }) }}</span>
          </p>
        </header>
        <div v-if="done" ref="thanks" class="success survey-thanks" role="status" tabindex="-1">
          <p class="strong">{{ t('survey.thanks') }}</p>
          <p v-if="done.commentPending">{{ t('survey.commentPending') }}</p>
        </div>
        <p v-else-if="!survey.isOpen" class="card hint-card" role="status">
          {{ notYet ? t('survey.notYet', { at: dateTime(survey.opensAt) }) : t('survey.closed', { at: dateTime(survey.closesAt) }) }}
        </p>
        <p v-else-if="answeredBefore" class="card hint-card" role="status">{{ t('survey.answeredBefore') }}</p>
        <form v-else class="survey-form card" novalidate @submit.prevent="submit">
          <p class="hint">{{ t('survey.intro', { at: dateTime(survey.closesAt) }) }}</p>
          <form-alert :messages="general" />
          <fieldset class="marks" :aria-invalid="Boolean(errors.overall)" aria-describedby="overall-errors">
            <legend class="strong">{{ t('survey.overall') }}</legend>
            <div class="mark-row">
              <label v-for="m in scale" :key="m" class="mark" :class="{ chosen: overall === m }">
                <input v-model="overall" type="radio" name="overall" :value="m" :aria-invalid="Boolean(errors.overall)">
                <span class="mark-number">{{ m }}</span><span class="mark-label">{{ markLabel(m) }}</span>
              </label>
            </div>
            <field-errors id="overall-errors" :messages="errors.overall || []" />
          </fieldset>
          <fieldset v-for="q in survey.questions" :key="q.key" class="marks" :aria-describedby="'q-' + q.key + '-errors'">
            <legend>{{ q.text }}</legend>
            <div class="mark-row">
              <label v-for="m in scale" :key="m" class="mark" :class="{ chosen: marks[q.key] === m }">
                <input v-model="marks[q.key]" type="radio" :name="'q-' + q.key" :value="m" :aria-invalid="Boolean(errors[q.key])">
                <span class="mark-number">{{ m }}</span><span class="mark-label">{{ markLabel(m) }}</span>
              </label>
            </div>
            <field-errors :id="'q-' + q.key + '-errors'" :messages="errors[q.key] || []" />
          </fieldset>
          <div class="field">
            <label for="survey-comment">{{ t('survey.comment') }}</label>
            <textarea id="survey-comment" v-model="comment" rows="3" maxlength="500" :aria-invalid="Boolean(errors.comment)" aria-describedby="survey-comment-errors"></textarea>
            <field-errors id="survey-comment-errors" :messages="errors.comment || []" />
          </div>
          <div class="field">
            <label for="survey-phone">{{ t('survey.phone') }}</label>
            <input id="survey-phone" v-model="phone" type="tel" inputmode="tel" autocomplete="tel" :aria-invalid="Boolean(errors.phone)" aria-describedby="survey-phone-hint survey-phone-errors">
            <p id="survey-phone-hint" class="hint">{{ t('survey.phoneHint') }}</p>
            <field-errors id="survey-phone-errors" :messages="errors.phone || []" />
          </div>
          <button type="submit" class="button wide" :disabled="sending">{{ sending ? t('state.sending') : t('survey.submit') }}</button>
        </form>
      </template>
    </section>`,
};
