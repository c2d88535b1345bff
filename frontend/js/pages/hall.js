// 洽谈大厅: the fair's projects (demand) beside organizations and supervisors (supply),
// loaded with one GraphQL request; filters live in the address (#/hall?q=养老&class=ELDERLY).
// The cards on screen follow the fair's events as they happen (claimed, bids, awards …):
// each event carries its project's new status and bid count, applied in place.
import { gql, problemText } from "../api.js";
import { PROCUREMENTS, SERVICE_CLASSES, STATUSES } from "../enums.js";
import { parseMoney } from "../format.js";
import { t } from "../i18n.js";
import { connection, subscribe } from "../live.js";
import { navigate, route } from "../router.js";
import { PROJECT_CARD_FIELDS, ProjectCard } from "../components/project-card.js";
import { EmptyState, ErrorState, FieldErrors, LoadingState } from "../components/states.js";

const PAGE_SIZE = 12;

const HALL = `
query FairHall($first: Int!, $filter: ProjectFilter, $organizations: OrganizationFilter, $supervisors: SupervisorFilter) {
  fair {
    id edition name isOpen opensAt closesAt
    stats { projectCount totalBudget awardedCount awardedBudget }
    projects(first: $first, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { ${PROJECT_CARD_FIELDS} } }
    }
  }
  organizations(first: 6, filter: $organizations) {
    totalCount edges { node { id name grade socialWorkers serviceClasses districts { name } } }
  }
  supervisors(first: 6, filter: $supervisors) {
    totalCount edges { node { id name title affiliation expertise load maxLoad } }
  }
  districts { id name }
}`;

const MORE = `
query FairHallMore($first: Int!, $after: String, $filter: ProjectFilter) {
  fair { projects(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { ${PROJECT_CARD_FIELDS} } }
  } }
}`;

/** What a card shows that events change; the rest of a card stays as loaded. */
const ACTIVITY = `
subscription HallActivity($fair: ID!) {
  fairActivity(fair: $fair) { id kind project { id status bidCount } }
}`;

const FILTER_KEYS = ["q", "class", "district", "min", "max", "status", "procurement", "key"];

/** The last answer, kept so that coming back shows the hall at once (then refreshes). */
const cache = { key: null, data: null, projects: [], pageInfo: null };

/** Lets other pages update a card after they changed its project (e.g. after a claim). */
export function updateHallProject(project) {
  const card = cache.projects.find((p) => p.id === project.id);
  if (card) Object.assign(card, project);
}

function filtersFrom(query) {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, query[key] ?? ""]));
}

/** The API's ProjectFilter for the filters in the address. */
function projectFilter(f) {
  const filter = {};
  if (f.q.trim()) filter.search = f.q.trim();
  if (f.class) filter.serviceClass = [f.class];
  if (f.district) filter.district = [f.district];
  if (parseMoney(f.min)) filter.minBudget = parseMoney(f.min);
  if (parseMoney(f.max)) filter.maxBudget = parseMoney(f.max);
  if (f.status === "OPEN") filter.status = ["PUBLISHED", "BIDDING"];
  else if (f.status) filter.status = [f.status];
  if (f.procurement) filter.procurement = f.procurement;
  if (f.key === "1") filter.keySupport = true;
  return filter;
}

export default {
  name: "HallPage",
  components: { ProjectCard, LoadingState, EmptyState, ErrorState, FieldErrors },
  data() {
    return {
      draft: filtersFrom(route.query),
      draftErrors: {},
      fair: cache.data?.fair ?? null,
      supply: cache.data ?? null,
      districts: cache.data?.districts ?? [],
      projects: cache.projects,
      pageInfo: cache.pageInfo,
      totalCount: cache.data?.fair?.projects.totalCount ?? 0,
      loading: false,
      loadingMore: false,
      error: "",
      moreError: "",
      loaded: Boolean(cache.data),
      filtersOpen: false, // phones: the filters below the search box fold away until asked for
      SERVICE_CLASSES,
      PROCUREMENTS,
      STATUSES,
    };
  },
  computed: {
    filters() {
      return filtersFrom(route.query);
    },
    filterKey() {
      return JSON.stringify(this.filters);
    },
    activeFilters() {
      return FILTER_KEYS.some((key) => this.filters[key]);
    },
    liveState() {
      return connection.state;
    },
  },
  watch: {
    filterKey() {
      if (route.parts[0] !== "hall") return;
      this.draft = filtersFrom(route.query);
      this.load();
    },
  },
  created() {
    document.title = t("title.hall");
    this.seen = new Set();
    this.load();
  },
  unmounted() {
    this.unsubscribe?.();
  },
  methods: {
    async load() {
      const f = this.filters;
      const key = this.filterKey;
      this.loading = true;
      this.error = "";
      const organizations = {};
      const supervisors = { available: true };
      if (f.class) {
        organizations.serviceClass = [f.class];
        supervisors.expertise = [f.class];
      }
      if (f.district) {
        organizations.district = [f.district];
        supervisors.district = [f.district];
      }
      try {
        const data = await gql(HALL, { first: PAGE_SIZE, filter: projectFilter(f), organizations, supervisors });
        if (key !== this.filterKey) return; // a newer search is on its way
        this.fair = data.fair;
        this.supply = data;
        this.districts = data.districts;
        const connection = data.fair?.projects;
        this.projects = connection ? connection.edges.map((e) => e.node) : [];
        this.pageInfo = connection?.pageInfo ?? null;
        this.totalCount = connection?.totalCount ?? 0;
        Object.assign(cache, { key, data, projects: this.projects, pageInfo: this.pageInfo });
        this.loaded = true;
        this.follow(data.fair);
      } catch (error) {
        this.error = problemText(error);
      } finally {
        this.loading = false;
      }
    },
    async loadMore() {
      this.loadingMore = true;
      this.moreError = "";
      try {
        const data = await gql(MORE, {
          first: PAGE_SIZE,
          after: this.pageInfo.endCursor,
          filter: projectFilter(this.filters),
        });
        const connection = data.fair.projects;
        const known = new Set(this.projects.map((p) => p.id));
        this.projects.push(...connection.edges.map((e) => e.node).filter((p) => !known.has(p.id)));
        this.pageInfo = connection.pageInfo;
        cache.pageInfo = this.pageInfo;
      } catch (error) {
        this.moreError = problemText(error);
      } finally {
        this.loadingMore = false;
      }
    },
    /** Subscribes to the fair's events once its id is known (again if the fair changed). */
    follow(fair) {
      if (!fair || fair.id === this.followed) return;
      this.unsubscribe?.();
      this.followed = fair.id;
      this.unsubscribe = subscribe(ACTIVITY, { fair: fair.id }, (data) => this.onEvent(data.fairActivity), {
        // Events missed while the connection was down are not replayed: read the hall again.
        onReconnect: () => this.load(),
      });
    },
    onEvent(event) {
      if (!event || this.seen.has(event.id)) return;
      if (this.seen.size > 1000) this.seen.clear(); // ids are only to drop a repeated event
      this.seen.add(event.id);
      // A project is awarded once, so each AWARDED event is one more award of the fair.
      if (event.kind === "AWARDED" && this.fair) this.fair.stats.awardedCount += 1;
      const card = this.projects.find((p) => p.id === event.project.id);
      if (card) Object.assign(card, event.project);
    },
    apply() {
      this.draftErrors = {};
      for (const key of ["min", "max"]) {
        if (this.draft[key].trim() && parseMoney(this.draft[key]) === null) {
          this.draftErrors[key] = [t("form.moneyFormat")];
        }
      }
      if (Object.keys(this.draftErrors).length) return;
      const query = Object.fromEntries(Object.entries(this.draft).filter(([, value]) => value));
      navigate("/hall", query);
    },
    reset() {
      this.draft = filtersFrom({});
      this.draftErrors = {};
      navigate("/hall");
    },
  },
  template: `
    <section class="page hall">
      <header class="page-header">
        <h1>{{ t('hall.title') }}</h1>
        <template v-if="fair">
          <p class="lead">{{ fair.name }}</p>
          <p class="fair-window">
            <span class="badge" :class="fair.isOpen ? 'status-published' : 'neutral'">{{ fair.isOpen ? t('fair.open') : t('fair.closed') }}</span>
            {{ t('fair.window', { from: dateTime(fair.opensAt), to: dateTime(fair.closesAt) }) }}
          </p>
          <dl class="stat-tiles">
            <div><dt>{{ t('stats.projects') }}</dt><dd>{{ count(fair.stats.projectCount) }}</dd></div>
            <div><dt>{{ t('stats.totalBudget') }}</dt><dd>{{ yuan(fair.stats.totalBudget) }}</dd></div>
            <div><dt>{{ t('stats.awarded') }}</dt><dd>{{ count(fair.stats.awardedCount) }}</dd></div>
          </dl>
        </template>
      </header>

      <form class="filters card" :class="{ folded: !filtersOpen }" role="search" :aria-label="t('hall.filters')" @submit.prevent="apply">
        <div class="field search-field">
          <label for="hall-search">{{ t('hall.search') }}</label>
          <div class="input-row">
            <input id="hall-search" v-model="draft.q" type="search" :placeholder="t('hall.searchHint')" autocomplete="off">
            <button type="submit" class="button">{{ t('action.search') }}</button>
          </div>
        </div>
        <button type="button" class="button link filters-toggle" :aria-expanded="filtersOpen" @click="filtersOpen = !filtersOpen">
          {{ filtersOpen ? t('hall.lessFilters') : activeFilters ? t('hall.moreFiltersOn') : t('hall.moreFilters') }}</button>
        <div class="field">
          <label for="hall-class">{{ t('project.serviceClass') }}</label>
          <select id="hall-class" v-model="draft.class" @change="apply">
            <option value="">{{ t('filter.all') }}</option>
            <option v-for="c in SERVICE_CLASSES" :key="c" :value="c">{{ label('serviceClass', c) }}</option>
          </select>
        </div>
        <div class="field">
          <label for="hall-district">{{ t('project.district') }}</label>
          <select id="hall-district" v-model="draft.district" @change="apply">
            <option value="">{{ t('filter.all') }}</option>
            <option v-for="d in districts" :key="d.id" :value="d.id">{{ d.name }}</option>
          </select>
        </div>
        <div class="field">
          <label for="hall-status">{{ t('project.status') }}</label>
          <select id="hall-status" v-model="draft.status" @change="apply">
            <option value="">{{ t('filter.all') }}</option>
            <option value="OPEN">{{ t('filter.open') }}</option>
            <option v-for="s in STATUSES" :key="s" :value="s">{{ label('status', s) }}</option>
          </select>
        </div>
        <div class="field">
          <label for="hall-procurement">{{ t('project.procurement') }}</label>
          <select id="hall-procurement" v-model="draft.procurement" @change="apply">
            <option value="">{{ t('filter.all') }}</option>
            <option v-for="p in PROCUREMENTS" :key="p" :value="p">{{ label('procurement', p) }}</option>
          </select>
        </div>
        <fieldset class="field budget-range">
          <legend>{{ t('hall.budgetRange') }}</legend>
          <div class="input-row">
            <label class="visually-hidden" for="hall-min">{{ t('hall.minBudget') }}</label>
            <input id="hall-min" v-model="draft.min" inputmode="decimal" :placeholder="t('hall.min')"
              :aria-invalid="Boolean(draftErrors.min)" aria-describedby="hall-min-errors">
            <span aria-hidden="true">–</span>
            <label class="visually-hidden" for="hall-max">{{ t('hall.maxBudget') }}</label>
            <input id="hall-max" v-model="draft.max" inputmode="decimal" :placeholder="t('hall.max')"
              :aria-invalid="Boolean(draftErrors.max)" aria-describedby="hall-max-errors">
          </div>
          <field-errors id="hall-min-errors" :messages="draftErrors.min || []" />
          <field-errors id="hall-max-errors" :messages="draftErrors.max || []" />
        </fieldset>
        <div class="field checkbox-field">
          <input id="hall-key" v-model="draft.key" type="checkbox" true-value="1" false-value="" @change="apply">
          <label for="hall-key">{{ t('hall.keyOnly') }}</label>
        </div>
        <div class="filter-actions">
          <button type="submit" class="button secondary">{{ t('action.filter') }}</button>
          <button v-if="activeFilters" type="button" class="button link" @click="reset">{{ t('action.clearFilters') }}</button>
        </div>
      </form>

      <error-state v-if="error" :message="error" :retry="load" />
      <loading-state v-else-if="!loaded" :text="t('hall.loading')" />
      <p v-else-if="!fair" class="state state-empty">{{ t('hall.noFair') }}</p>
      <div v-else class="hall-layout">
        <section class="demand" aria-labelledby="demand-title">
          <h2 id="demand-title">
            {{ t('hall.demand') }}
            <span class="result-count" role="status" aria-live="polite">{{ loading ? t('state.updating') : t('hall.found', { n: count(totalCount) }) }}</span>
          </h2>
          <p class="live-line small">
            <span class="live-state" :class="'live-' + liveState" role="status">
              <span class="live-dot" aria-hidden="true"></span>{{ t(liveState === 'idle' ? 'live.connecting' : 'live.' + liveState) }}
            </span>
            <a :href="href('/board')">{{ t('board.open') }}</a>
          </p>
          <empty-state v-if="!projects.length" :text="t('hall.noProjects')" />
          <div class="card-grid" :aria-busy="loading">
            <project-card v-for="project in projects" :key="project.id" :project="project" />
          </div>
          <div v-if="pageInfo && pageInfo.hasNextPage" class="load-more">
            <button type="button" class="button secondary" :disabled="loadingMore" @click="loadMore">
              {{ loadingMore ? t('state.loading') : t('hall.loadMore', { shown: projects.length, total: totalCount }) }}
            </button>
            <p v-if="moreError" class="field-error" role="alert">{{ moreError }}</p>
          </div>
        </section>

        <aside class="supply" :aria-label="t('hall.supply')">
          <section class="card" aria-labelledby="supply-orgs">
            <h2 id="supply-orgs">{{ t('hall.organizations') }} <span class="result-count">{{ count(supply.organizations.totalCount) }}</span></h2>
            <empty-state v-if="!supply.organizations.edges.length" />
            <ul class="supply-list">
              <li v-for="{ node } in supply.organizations.edges" :key="node.id">
                <strong>{{ node.name }}</strong>
                <span class="small muted">
                  {{ node.grade || t('org.noGrade') }} · {{ t('org.socialWorkers', { n: node.socialWorkers }) }} ·
                  {{ node.serviceClasses.map(c => label('serviceClass', c)).join('、') }} ·
                  {{ node.districts.map(d => d.name).join('、') }}
                </span>
              </li>
            </ul>
          </section>
          <section class="card" aria-labelledby="supply-supervisors">
            <h2 id="supply-supervisors">{{ t('hall.supervisors') }} <span class="result-count">{{ count(supply.supervisors.totalCount) }}</span></h2>
            <empty-state v-if="!supply.supervisors.edges.length" />
            <ul class="supply-list">
              <li v-for="{ node } in supply.supervisors.edges" :key="node.id">
                <strong>{{ node.name }}</strong><span v-if="node.title" class="small"> {{ node.title }}</span>
                <span class="small muted">
                  {{ node.affiliation }} · {{ node.expertise.map(c => label('serviceClass', c)).join('、') }} ·
                  {{ t('supervisor.load', { load: node.load, max: node.maxLoad }) }}
                </span>
              </li>
            </ul>
          </section>
        </aside>
      </div>
    </section>`,
};
