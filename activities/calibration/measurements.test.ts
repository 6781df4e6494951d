import { describe, expect, it } from 'vitest';
import { parseMeasurements } from './measurements.ts';

describe('measurement files', () => {
  it('when the file is in the finance export shape (BOM, ;, decimal comma), then every reading is read with its line', () => {
    const csv =
      '\uFEFFKind;Point;Value;Note\r\nhead;PS-1;185,5;outlet\r\npressure;J-7;42,125;\r\n\r\nflow;P-3;120;"at the ""district"" meter"\r\n';
    expect(parseMeasurements('gauges.csv', csv)).toEqual([
      { kind: 'head', point: 'PS-1', value: 185.5, note: 'outlet', at: 'gauges.csv:2' },
      { kind: 'pressure', point: 'J-7', value: 42.125, note: null, at: 'gauges.csv:3' },
      { kind: 'flow', point: 'P-3', value: 120, note: 'at the "district" meter', at: 'gauges.csv:5' },
    ]);
  });

  it('when the file is plain comma-separated with decimal points, then it is read the same', () => {
    expect(parseMeasurements('m.csv', 'point,kind,value\nJ-7,pressure,42.125\n')).toEqual([
      { kind: 'pressure', point: 'J-7', value: 42.125, note: null, at: 'm.csv:2' },
    ]);
  });

  it('when a line is wrong, then the error names the file, the line and what to change', () => {
    expect(() => parseMeasurements('m.csv', 'kind;node;value\n')).toThrow(
      'm.csv:1: the header must name the columns kind, point, value (and optionally note); missing: point',
    );
    expect(() => parseMeasurements('m.csv', 'kind;point;value\nlevel;J-1;3\n')).toThrow(
      'm.csv:2: kind must be one of pressure, head, flow, got "level"',
    );
    expect(() => parseMeasurements('m.csv', 'kind;point;value\npressure;J-1;4x\n')).toThrow(
      'm.csv:2: value must be a number, got "4x"',
    );
    expect(() => parseMeasurements('m.csv', 'kind;point;value\npressure;;4\n')).toThrow('m.csv:2: point is empty');
    expect(() => parseMeasurements('m.csv', 'kind;point;value\npressure;J-1;4\npressure;J-1;5\n')).toThrow(
      'm.csv:3: a second pressure reading at J-1 (the first is at m.csv:2)',
    );
    expect(() => parseMeasurements('m.csv', 'kind;point;value\n')).toThrow('m.csv: no readings below the header');
  });
});
