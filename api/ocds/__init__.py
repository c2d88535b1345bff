"""Open Contracting Data Standard (OCDS 1.1) publication of a fair.

Every project the public may see becomes one contracting process (one ``ocid``):
planning (budget), tender (method, period, tenderers), award, contract and its
implementation (payment transactions; assessment and payment milestones), with the
parties in their roles. A fair is published as a release package and as a record
package (``packages``), built from a handful of bulk queries (``facts``).

The data are plain dicts and lists, ready for JSON; the public URLs are in ``web`` and the
command line is ``sheqia export ocds``. Only what the GraphQL API shows an anonymous
visitor is published: no drafts, no contact details, no losing or pending bidders.
"""
