/** JSON shapes of billing records, summaries and acts. Money in kopecks, hours as decimal numbers. */
import type { ActLineRow, ActRow } from '../db/queries/acts.ts';
import { actNotice, type EngagementOutcome } from '../lib/acts.ts';
import type { BillingRecordRow, BillingSummaryRow } from '../db/queries/billing-records.ts';

const hours = (hundredths: number): number => hundredths / 100;

export function billingRecordView(r: BillingRecordRow) {
  return {
    id: r.id,
    recordedAt: r.recorded_at,
    recordedOn: r.recorded_on,
    period: r.period,
    customer: { id: r.customer_id, name: r.customer_name, edrpou: r.customer_edrpou, vatPayer: r.customer_vat_payer },
    contract:
      r.contract_id === null
        ? null
        : {
            id: r.contract_id,
            number: r.contract_number,
            date: r.contract_signed_at,
            kind: r.contract_kind,
            prozorroId: r.prozorro_id,
            cpvCode: r.cpv_code,
          },
    engagement: {
      id: r.engagement_id,
      serviceCode: r.service_code,
      serviceName: r.service_name,
      projectId: r.project_id,
    },
    stepId: r.step_id,
    iteration: r.iteration,
    act: r.act_id === null ? null : { id: r.act_id, number: r.act_number, date: r.act_date, status: r.act_status },
    category: r.category,
    line: r.line,
    normHours: hours(r.norm_hundredths),
    actualHours: r.actual_hundredths === null ? null : hours(r.actual_hundredths),
    rateKopecks: r.rate_kopecks,
    amountExclVatKopecks: r.amount_kopecks,
    vatRatePercent: r.vat_rate_percent,
    vatKopecks: r.vat_kopecks,
    amountInclVatKopecks: r.amount_kopecks + r.vat_kopecks,
    currency: 'UAH',
    billable: r.billable,
    basis: r.basis,
    performedBy: r.performed_by,
    reversesId: r.reverses_id,
    reason: r.reason,
  };
}

export function billingSummaryView(r: BillingSummaryRow) {
  return {
    customerId: r.customer_id,
    customerName: r.customer_name,
    period: r.period,
    serviceCode: r.service_code,
    category: r.category,
    entries: r.entries,
    normHours: hours(r.norm_hundredths),
    actualHours: hours(r.actual_hundredths),
    amountExclVatKopecks: r.amount_kopecks,
    vatKopecks: r.vat_kopecks,
    amountInclVatKopecks: r.amount_kopecks + r.vat_kopecks,
  };
}

/** The engagement of an act as the act view reads it, from a joined row or selectEngagementOutcome. */
export function outcomeOf(
  act: ActRow,
  engagement: { engagement_status: string | null; engagement_closed_at: Date | null } | null,
): EngagementOutcome | null {
  if (!act.engagement_id || !engagement?.engagement_status) return null;
  return {
    engagementId: act.engagement_id,
    status: engagement.engagement_status,
    closedAt: engagement.engagement_closed_at,
  };
}

export function actView(act: ActRow, lines: readonly ActLineRow[], outcome: EngagementOutcome | null) {
  return {
    id: act.id,
    number: act.number,
    date: act.act_date,
    status: act.status,
    customerId: act.customer_id,
    contractId: act.contract_id,
    engagementId: act.engagement_id,
    currency: act.currency,
    vatRatePercent: act.vat_rate_percent,
    amountExclVatKopecks: act.amount_excl_vat_kopecks,
    vatKopecks: act.vat_kopecks,
    amountInclVatKopecks: act.amount_incl_vat_kopecks,
    createdBy: act.created_by,
    createdAt: act.created_at,
    issuedBy: act.issued_by,
    issuedAt: act.issued_at,
    signedBy: act.signed_by,
    signedAt: act.signed_at,
    engagementStatus: outcome?.status ?? null,
    notice: actNotice(outcome),
    lines: lines
      .filter((line) => line.act_id === act.id)
      .map((line) => ({
        lineNo: line.line_no,
        line: line.line,
        category: line.category,
        normHours: hours(line.norm_hundredths),
        rateKopecks: line.rate_kopecks,
        amountExclVatKopecks: line.amount_excl_vat_kopecks,
        vatRatePercent: line.vat_rate_percent,
        vatKopecks: line.vat_kopecks,
        amountInclVatKopecks: line.amount_incl_vat_kopecks,
      })),
    links: {
      self: `/v1/billing/acts/${act.engagement_id}`,
      issue: `/v1/billing/acts/${act.id}/issue`,
      sign: `/v1/billing/acts/${act.id}/sign`,
    },
  };
}
