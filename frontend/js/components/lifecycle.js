// A project's way through its lifecycle, as an ordered list of steps:
// draft → published → claimed/bidding → awarded → in delivery → mid-term → final → closed,
// with withdrawn and terminated shown where the project left the road.

const STEPS = ["DRAFT", "PUBLISHED", "TAKEN", "AWARDED", "IN_DELIVERY", "MIDTERM", "FINAL", "CLOSED"];

/**
 * How far a project got: `reached` is the index of the last step it completed; the step
 * after it is under way, or is where the project stopped (withdrawn, terminated).
 */
export function progress(project) {
  const evaluations = project.evaluations ?? [];
  const passed = (stage) => evaluations.some((e) => e.stage === stage && e.passed);
  const failed = evaluations.find((e) => !e.passed);
  switch (project.status) {
    case "DRAFT":
      return { reached: 0, stopped: null };
    case "PUBLISHED":
      return { reached: 1, stopped: null };
    case "CLAIMED":
    case "BIDDING":
      return { reached: 2, stopped: null };
    case "AWARDED":
      return { reached: 3, stopped: null };
    case "IN_DELIVERY":
      return { reached: passed("FINAL") ? 6 : passed("MIDTERM") ? 5 : 4, stopped: null };
    case "CLOSED":
      return { reached: 7, stopped: null };
    case "WITHDRAWN":
      return { reached: project.award ? 3 : 1, stopped: "WITHDRAWN" };
    case "TERMINATED":
      return { reached: failed ? STEPS.indexOf(failed.stage) - 1 : 4, stopped: "TERMINATED" };
    default:
      return { reached: 0, stopped: null };
  }
}

/** The share of the road behind a project, 0–100. */
export function percentDone(project) {
  return Math.round((progress(project).reached / (STEPS.length - 1)) * 100);
}

export const Lifecycle = {
  props: { project: { type: Object, required: true } },
  computed: {
    state() {
      return progress(this.project);
    },
    steps() {
      const { reached, stopped } = this.state;
      return STEPS.map((step, i) => {
        let name = this.t(`lifecycle.${step}`);
        if (step === "TAKEN") {
          name = this.t(this.project.procurement === "DIRECT" ? "lifecycle.CLAIMED" : "lifecycle.BIDDING");
        }
        let state = i <= reached ? "done" : i === reached + 1 ? "current" : "todo";
        if (stopped && i === reached + 1) state = "stopped";
        return { step, name, state };
      });
    },
    percentDone() {
      return percentDone(this.project);
    },
    here() {
      return this.steps.find((s) => s.state === "current" || s.state === "stopped") ?? this.steps[this.steps.length - 1];
    },
  },
  template: `
    <section class="lifecycle" aria-labelledby="lifecycle-title">
      <h2 id="lifecycle-title">{{ t('lifecycle.title') }}</h2>
      <div class="progress" role="progressbar" :aria-valuenow="percentDone" aria-valuemin="0" aria-valuemax="100"
        :aria-valuetext="here.name" :aria-label="t('lifecycle.title')">
        <span :style="{ width: percentDone + '%' }" :class="{ stopped: state.stopped }"></span>
      </div>
      <ol class="steps">
        <li v-for="s in steps" :key="s.step" :class="'step-' + s.state" :aria-current="s.state === 'current' || s.state === 'stopped' ? 'step' : null">
          <span class="dot" aria-hidden="true"></span>
          <span class="step-name">{{ s.name }}</span>
          <span v-if="s.state === 'stopped'" class="badge status-terminated">{{ label('status', state.stopped) }}</span>
          <span class="visually-hidden">（{{ t('lifecycle.' + s.state) }}）</span>
        </li>
      </ol>
    </section>`,
};
