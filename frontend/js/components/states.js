// Loading, empty and error states, shared by every page.

export const LoadingState = {
  props: { text: { type: String, default: "" } },
  template: `
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true"></span>{{ text || t('state.loading') }}
    </p>`,
};

export const EmptyState = {
  props: { text: { type: String, default: "" } },
  template: `<p class="state state-empty">{{ text || t('state.empty') }}</p>`,
};

export const ErrorState = {
  props: { message: { type: String, required: true }, retry: { type: Function, default: null } },
  template: `
    <div class="state state-error" role="alert">
      <p>{{ message }}</p>
      <button v-if="retry" type="button" class="button secondary" @click="retry">{{ t('action.retry') }}</button>
    </div>`,
};

/** Messages beside a form field: give the input aria-describedby="<id>". */
export const FieldErrors = {
  props: { id: { type: String, required: true }, messages: { type: Array, default: () => [] } },
  template: `
    <div :id="id" class="field-errors" aria-live="polite">
      <p v-for="message in messages" :key="message" class="field-error">{{ message }}</p>
    </div>`,
};

/** Messages that belong to no single field, at the top of a form. */
export const FormAlert = {
  props: { messages: { type: Array, default: () => [] } },
  template: `
    <div v-if="messages.length" class="form-alert" role="alert" tabindex="-1">
      <p v-for="message in messages" :key="message">{{ message }}</p>
    </div>`,
};

export const StatusBadge = {
  props: { status: { type: String, required: true } },
  template: `<span class="badge" :class="'status-' + status.toLowerCase()">{{ label('status', status) }}</span>`,
};
