/**
 * The automated activities a definition may name in an `activity` step, with what each does.
 * Pure data: the definition loader checks names against it, and the worker's registry
 * (`createBusinessActivities` in index.ts) must hold an implementation under each name of
 * BUSINESS_ACTIVITIES, or the typecheck fails.
 */
export interface ActivityDescription {
  readonly name: string;
  readonly summary: string;
}

export const BUSINESS_ACTIVITIES = [
  { name: 'notify.send', summary: 'Queue a notification (e-mail) to the customer, the PM or an engineer' },
  {
    name: 'billing.prepareAct',
    summary: 'Draft the act of services rendered from the norm-hours the engagement billed',
  },
  {
    name: 'import.inspectSource',
    summary: 'Inspect uploaded source files: format, layers, geometry, counts, fields, encoding, CRS, extents',
  },
  {
    name: 'import.convert',
    summary: 'Convert source data to CityCom objects by the mapping spec (sample or full run), with rejects',
  },
  { name: 'import.checkIntegrity', summary: 'Check converted data: topology, nodes, attribute domains; list findings' },
  {
    name: 'import.buildReport',
    summary: 'Assemble the import report: in/out counts per layer, rejects, mapping spec, backup reference',
  },
  { name: 'audit.backup', summary: "Copy the customer's database and record the backup reference" },
  {
    name: 'audit.run',
    summary: 'Run the audit rules on a database and compare object counts with the last good snapshot',
  },
  {
    name: 'audit.restore',
    summary: 'Restore a backup or the last good snapshot to staging and verify its checksum',
  },
  {
    name: 'audit.merge',
    summary:
      'Build the recovered staging copy: the damaged database plus the chosen lost objects, each restored or not and why',
  },
  {
    name: 'audit.diff',
    summary: 'Compare a restored copy with the damaged database: objects missing, added or changed per table',
  },
  { name: 'audit.buildReport', summary: 'Write the audit report by rule and severity and the recovery report' },
  {
    name: 'gis.fitTransformation',
    summary: 'Fit transformation models to tie points by least squares, with residuals and outliers',
  },
  {
    name: 'gis.applyTransformation',
    summary: 'Apply a transformation to a copy of the project and re-run the topology checks',
  },
  { name: 'gis.switchCrs', summary: "Switch the project's coordinate reference system metadata" },
  {
    name: 'gis.buildTransformationReport',
    summary: 'Write the transformation report: model, parameters, residuals, check points',
  },
  { name: 'training.sendChecklist', summary: 'Send the customer the pre-training reminder and checklist' },
  {
    name: 'training.issueCertificates',
    summary: 'Issue numbered certificates to attendees present for at least the required share of hours',
  },
  { name: 'training.collectFeedback', summary: 'Send the feedback form to attendees and collect the answers' },
  {
    name: 'training.summarizeFeedback',
    summary: 'Summarise the feedback answers: response rate, average ratings overall and per module, comments',
  },
  {
    name: 'training.buildReport',
    summary: "Assemble the trainer's report: programme, sessions, attendance, hours, travel, certificates, feedback",
  },
  { name: 'content.analyze', summary: 'Scan accumulated data for typical user errors and list the findings' },
  {
    name: 'calibration.runModel',
    summary: 'Run the hydraulic calculation of a network and compare it with measurements',
  },
  {
    name: 'calibration.calibrate',
    summary:
      'Fit pipe roughness per group to the measurements; store the calibration report, the calibrated model (.inp) and the roughness table',
  },
  {
    name: 'release.publish',
    summary:
      "Deliver a registered release to the customer's eligible registered users: signed links that expire, e-mail, the delivery register",
  },
  {
    name: 'schema.applyChange',
    summary:
      'Apply a change set of semantic descriptions (attribute sets of object classes) to a staging copy or, once approved, to the project; list unconvertible values; store the reverse change set',
  },
  {
    name: 'workstation.applyConfiguration',
    summary:
      'Make the PostgreSQL roles of workstation functions match their matrix (table and column privileges, row-level security by district) by a diff against the catalog; report drift; verify by probes under each role',
  },
  {
    name: 'exchange.testInterface',
    summary:
      'Run a test exchange: probe the destination, validate a sample against the format and XSD, transfer it atomically and read it back',
  },
  { name: 'exchange.schedule', summary: 'Create the Temporal Schedule that runs an accepted data exchange per period' },
  {
    name: 'procedure.schedule',
    summary: 'Create the Temporal Schedule that runs a regular custom procedure per period, billed per run',
  },
  { name: 'schedules.retire', summary: 'Delete the schedules an engagement owns (at its end or on cancellation)' },
] as const satisfies readonly ActivityDescription[];

/**
 * Activities whose work is still to come. A definition may name one, but it is refused by validation
 * and publishing, and the catalog keeps such a definition as "not offered yet" (docs/catalog.md). To
 * offer it, implement the activity, move its entry to BUSINESS_ACTIVITIES and register it. Empty
 * today: every activity a catalog definition names is implemented.
 */
export const PLANNED_ACTIVITIES: readonly ActivityDescription[] = [];

export type BusinessActivityName = (typeof BUSINESS_ACTIVITIES)[number]['name'];

export const BUSINESS_ACTIVITY_NAMES: ReadonlySet<string> = new Set(BUSINESS_ACTIVITIES.map((a) => a.name));

/** Names of the activities still to come (see PLANNED_ACTIVITIES). */
export const PLANNED_ACTIVITY_NAMES: ReadonlySet<string> = new Set(PLANNED_ACTIVITIES.map((a) => a.name));
