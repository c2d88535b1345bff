// The contract's enum values, in the order the pages list them.

export const SERVICE_CLASSES = ["ELDERLY", "CHILDREN", "DISABILITY", "HARDSHIP", "PARTICIPATION", "MEDIATION"];
export const PROJECT_TYPES = ["PUBLIC_WELFARE", "PUBLIC_SERVICE", "SELF_GOVERNANCE"];
export const PROCUREMENTS = ["DIRECT", "COMPETITIVE"];
export const STATUSES = [
  "PUBLISHED", "CLAIMED", "BIDDING", "AWARDED", "IN_DELIVERY", "CLOSED", "WITHDRAWN", "TERMINATED",
];
/** Statuses that mean "an award was made": the public results list these. */
export const AWARDED_STATUSES = ["AWARDED", "IN_DELIVERY", "CLOSED", "TERMINATED"];
/** Statuses still open to claims and bids. */
export const OPEN_STATUSES = ["PUBLISHED", "BIDDING"];
export const ROLES = ["ORGANIZER", "PUBLISHER", "ORGANIZATION", "REVIEWER", "SUPERVISOR"];
