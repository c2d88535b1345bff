// The board's running figures, kept per project so that an event can be applied twice,
// late, or after a fresh count without counting anything twice: each event carries its
// project as it now is, which simply replaces what was known of it.
//
// Money is summed in whole fen (BigInt), never in floating point.
import { fromFen, toFen } from "./format.js";
import { AWARDED_STATUSES, SERVICE_CLASSES } from "./enums.js";

/** Statuses of projects with claims, bids or an award: the ones the figures count. */
export const TAKEN_STATUSES = ["CLAIMED", "BIDDING", ...AWARDED_STATUSES];

/** What the figures need of a project, for queries and the subscription alike. */
export const FIGURE_FIELDS = "id status serviceClass bidCount award { amount } payments { amount status }";

/** The part of one project that the figures count. */
function entryOf(project) {
  const awarded = AWARDED_STATUSES.includes(project.status) && project.award;
  const paid = (project.payments ?? [])
    .filter((payment) => payment.status === "PAID")
    .reduce((total, payment) => total + toFen(payment.amount), 0n);
  return {
    status: project.status,
    serviceClass: project.serviceClass,
    bids: project.bidCount ?? 0,
    committed: awarded ? toFen(project.award.amount) : 0n,
    awarded: Boolean(awarded),
    paid,
  };
}

export class FairFigures {
  constructor() {
    this.projects = new Map();
  }

  /**
   * Takes in a project as it now is; returns what changed for it: { paid } is the money
   * paid since it was last seen (as a Decimal string), for the event's line on the board.
   */
  track(project) {
    const before = this.projects.get(project.id);
    const after = entryOf(project);
    this.projects.set(project.id, after);
    return { paid: fromFen(after.paid - (before?.paid ?? 0n)) };
  }

  /** The totals: counts as numbers, money as Decimal strings, committed money by class. */
  totals() {
    const byClass = Object.fromEntries(SERVICE_CLASSES.map((c) => [c, 0n]));
    let claimed = 0;
    let awarded = 0;
    let bids = 0;
    let committed = 0n;
    let paid = 0n;
    for (const entry of this.projects.values()) {
      if (entry.status === "CLAIMED") claimed += 1;
      if (entry.awarded) awarded += 1;
      bids += entry.bids;
      committed += entry.committed;
      paid += entry.paid;
      byClass[entry.serviceClass] = (byClass[entry.serviceClass] ?? 0n) + entry.committed;
    }
    return {
      claimed,
      awarded,
      bids,
      committed: fromFen(committed),
      paid: fromFen(paid),
      byClass: Object.fromEntries(Object.entries(byClass).map(([c, fen]) => [c, fromFen(fen)])),
    };
  }
}
