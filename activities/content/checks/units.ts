/**
 * Unit slips: a diameter typed in metres into a millimetre field (0.2 for 200 mm), and a consumer
 * load off by ×10 (a decimal point) or ×24 (a daily volume entered as hourly) against the median of
 * its class. The corrected value is kept, so the hydraulic checks after these reason with it.
 */
import { figure, loadUnit } from '../content-context.ts';
import type { ContentFinding } from '../model.ts';
import { modifiedZ, robustScale } from '../robust.ts';
import { shown, type ContentCheck } from './check.ts';

export const diameterInMetres: ContentCheck = {
  id: 'diameter-in-metres',
  severity: 'major',
  title: 'Diameter entered in metres',
  action: 'Multiply these diameters by 1000 (they were entered in metres) and check them against the passports.',
  check(context) {
    const { diameterMetresBelow, plausibleDiameterMm } = context.thresholds;
    const nominal = context.net.network.dictionaries
      .filter((d) => d.dictionary === 'diameter' && d.value !== null)
      .map((d) => d.value!);
    const findings: ContentFinding[] = [];
    for (const section of context.net.sections) {
      const d = section.diameterMm;
      if (d === null || !(d > 0) || d >= diameterMetresBelow) continue;
      const asMm = d * 1000;
      if (asMm < plausibleDiameterMm.min || asMm > plausibleDiameterMm.max) continue;
      const closest = nominal.reduce<number | null>(
        (best, n) => (best === null || Math.abs(n - asMm) < Math.abs(best - asMm) ? n : best),
        null,
      );
      const corrected = closest !== null && Math.abs(closest - asMm) <= 0.05 * closest ? closest : Math.round(asMm);
      context.diameters.set(section.id, corrected);
      findings.push(
        context.finding(this, {
          id: section.id,
          attribute: 'diameter_mm',
          value: d,
          expected: corrected,
          location: context.net.sectionLocation(section),
          message: `diameter ${shown(d)} reads as metres: ${corrected} mm`,
          evidence: { storedMm: d, timesThousand: figure(asMm) },
        }),
      );
    }
    return findings;
  },
};

export const loadUnitSlip: ContentCheck = {
  id: 'load-unit-slip',
  severity: 'major',
  title: 'Load off by ×10 or ×24 against its class',
  action:
    'Correct these loads by the factor shown (×10: a decimal point slip; ×24: a daily value entered as hourly) after checking the contract load.',
  check(context) {
    const { loadSlipFactors, loadSlipBand, outlierZ, minClassSize } = context.thresholds;
    const findings: ContentFinding[] = [];
    for (const [loadClass, members] of context.consumersByClass()) {
      const loads = members.filter((node) => !context.explained(node.id, 'load'));
      if (loads.length < minClassSize) continue;
      const scale = robustScale(loads.map((node) => Math.log(node.load!)));
      const median = Math.exp(scale.median);
      for (const node of loads) {
        const load = node.load!;
        const ratio = load / median;
        let best: { factor: number; up: boolean; miss: number } | undefined;
        for (const factor of loadSlipFactors) {
          for (const up of [true, false]) {
            const miss = Math.abs(Math.log(ratio) - (up ? 1 : -1) * Math.log(factor));
            if (miss <= Math.log(loadSlipBand) && (!best || miss < best.miss)) best = { factor, up, miss };
          }
        }
        if (!best) continue;
        const z = modifiedZ(Math.log(load), scale);
        if (!(Math.abs(z) > outlierZ)) continue;
        const corrected = best.up ? load / best.factor : load * best.factor;
        context.loads.set(node.id, corrected);
        const unit = loadUnit(context.networkOf(node.id));
        const cause = best.factor === 24 ? 'daily and hourly values confused' : 'a decimal point slip';
        findings.push(
          context.finding(this, {
            id: node.id,
            attribute: 'load',
            value: load,
            expected: figure(corrected),
            location: context.nodeLocation(node.id),
            message: `load ${shown(load)} ${unit} is ${shown(ratio)}× the median ${shown(median)} ${unit} of ${loadClass}: ${best.up ? '×' : '÷'}${best.factor}, ${cause}?`,
            evidence: {
              class: loadClass,
              classMedian: figure(median),
              ratio: figure(ratio),
              factor: best.up ? best.factor : figure(1 / best.factor),
              modifiedZ: figure(z),
            },
          }),
        );
      }
    }
    return findings;
  },
};
