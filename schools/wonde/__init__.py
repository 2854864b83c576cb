"""Wonde: a school's pupils, classes, staff and class lists from its MIS, synced nightly.

A school admin pastes the school's Wonde API token and Wonde school id (teacher_portal
wonde_views). The first sync fetches everything and waits for the admin to check a preview and
apply it; from then on a task on the task worker syncs every night (and whenever the admin
presses "Sync now") and applies by itself, leaving a line in the change log. The comparing and
applying is the OneRoster sync's (schools.oneroster): what Wonde sends is laid out as the tables
of a OneRoster bundle (roster.py) and planned and applied by the same code, with MIS links of
source "wonde", so matching, movers, leavers (archived, never deleted), returning pupils and the
one transaction are the same. A sync that fails part way (an error from Wonde, a page that never
comes) has changed nothing: everything is fetched before anything is written.

How we read Wonde's API (v1.0), and what we assume where its documentation is not at hand:

- Base URL `https://api.wonde.com/v1.0` (the setting STREAMWISE_WONDE_API_URL; schools outside
  the UK use a regional domain); the token is sent as `Authorization: Bearer <token>`.
- `GET /schools/{id}` gives the school (`data.name`); `GET /schools/{id}/classes?include=
  students,employees`, `/groups?type=REGISTRATION&include=students,employees`,
  `/students?include=year,education_details` and `/employees?include=contact_details` list
  the rest. Only the lists the school's choice needs are fetched (WondeConnection.groups_from:
  classes, registration groups or both). Every list answers `{"data": [...], "meta":
  {"pagination": {"next": url|null, "more": bool, "per_page": n, "current_page": n}}}`;
  we follow `next` while `more` is true.
  Included lists are nested as `{"data": [...]}` (a single object as `{"data": {...}}`) and are
  not paginated themselves.
- A student has `id`, `forename`, `surname` (the names the school uses; `legal_*` are not read)
  and, included, `year.data.name`/`code` ("Year 7", "Reception" / "7", "R"). An employee has
  `id`, `forename`, `surname` and `contact_details.data.emails.{primary,work,email}`. A class has
  `id` and `name`.
- A group has `id`, `name` and `type` (REGISTRATION for a registration group, or form; YEAR,
  HOUSE and others are left alone), with its `students` and `employees` (for a form, its tutors)
  included like a class's. Wonde's `type` filter is assumed; the type is checked again here in
  case a list comes back unfiltered. A group's MIS link is `group:<id>`, apart from class ids.
  With both, a form called the same as a class is that class.
- A student's `mis_id` is the MIS's own record id and `education_details.data.upn` the UPN;
  both are read only to recognise pupils an earlier OneRoster import brought in (matching.py)
  and are not kept once the sync is applied.
- Rate limits: every answer may carry `X-RateLimit-Remaining`; when it reaches 0, or on a 429,
  we wait for `Retry-After` seconds (at most STREAMWISE_WONDE_MAX_WAIT_SECONDS) and try the same
  page again, a few times at most.
- Errors: 401 means the token is wrong or revoked; 403 that the school has not (yet) approved
  access for this token; 404 an unknown school id; 5xx a fault at Wonde. Each becomes a kind
  message for the admin (client.WondeError), and the sync changes nothing.

Only what a sync needs is read: names, year group, class lists, the UPN and MIS id (to match,
never shown) and staff emails (to find staff
accounts that already exist here; a sync never creates a staff account).
"""
