import { describe, expect, it } from 'vitest';
import { coordinateHeuristics, matchWkt } from './crs-detect.ts';
import { parseOgrinfo } from './gdal.ts';

const SK63_X5_UNNAMED =
  'PROJCS["unnamed",GEOGCS["unnamed",DATUM["Pulkovo_1942",SPHEROID["Krassovsky",6378245,298.3]],PRIMEM["Greenwich",0],' +
  'UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0.0833333333333333],' +
  'PARAMETER["central_meridian",35.5],PARAMETER["scale_factor",1],PARAMETER["false_easting",5300000],' +
  'PARAMETER["false_northing",0],UNIT["metre",1]]';

describe('CRS detection', () => {
  it('when a WKT carries a registry EPSG authority, then that entry is taken', () => {
    const wkt = 'PROJCS["UCS-2000 / LCS-63 Kharkiv",GEOGCS["UCS-2000"],AUTHORITY["EPSG","9858"]]';
    expect(matchWkt(wkt)).toMatchObject({ code: 'EPSG:9858', by: 'authority' });
  });

  it('when a MapInfo CoordSys comes without a code, then its parameters and datum find SK-63 X5', () => {
    expect(matchWkt(SK63_X5_UNNAMED)).toMatchObject({ code: 'EPSG:7829', by: 'parameters', wktName: 'unnamed' });
    const ucs = SK63_X5_UNNAMED.replace('Pulkovo_1942', 'Ukraine_2000');
    expect(matchWkt(ucs)).toMatchObject({ code: null, by: 'none' });
  });

  it('when hydrant X/Y come in Ukrainian order, then the swap is found against SK-63 X5 and left open without a CRS', () => {
    const xy: [number, number][] = [
      [5514100, 5385700],
      [5514400, 5385400],
    ];
    expect(coordinateHeuristics(xy, 'EPSG:7829')).toMatchObject({ axes: 'swapped', zone: { zone: 5 } });
    expect(coordinateHeuristics(xy, null).axes).toBe('ambiguous');
    expect(coordinateHeuristics([[5385700, 5514100]], 'EPSG:7829').axes).toBe('as-given');
  });
});

describe('ogrinfo summary', () => {
  it('when ogrinfo reports a layer, then geometry, count, extent, WKT and fields are read', () => {
    const text = [
      "INFO: Open of `pipes.shp'",
      '',
      'Layer name: pipes',
      'Metadata:',
      '  DBF_DATE_LAST_UPDATE=2026-11-26',
      'Geometry: Line String',
      'Feature Count: 16',
      'Extent: (5385400.000000, 5514070.000000) - (5385770.000000, 5514440.000000)',
      'Layer SRS WKT:',
      'PROJCS["x",',
      '    AUTHORITY["EPSG","7829"]]',
      'Data axis to CRS axis mapping: 2,1',
      'DN: Integer (9.0)',
      'MATERIAL: String (80.0)',
      'Layer name: points',
      'Geometry: Point',
      'Feature Count: 2',
      'Layer SRS WKT:',
      '(unknown)',
      'PaperSpace: Integer(Boolean) (0.0)',
    ].join('\n');
    expect(parseOgrinfo(text)).toEqual([
      {
        name: 'pipes',
        geometry: 'Line String',
        featureCount: 16,
        extent: [5385400, 5514070, 5385770, 5514440],
        wkt: 'PROJCS["x",AUTHORITY["EPSG","7829"]]',
        fields: [
          { name: 'DN', type: 'Integer' },
          { name: 'MATERIAL', type: 'String' },
        ],
      },
      {
        name: 'points',
        geometry: 'Point',
        featureCount: 2,
        extent: null,
        wkt: null,
        fields: [{ name: 'PaperSpace', type: 'Integer(Boolean)' }],
      },
    ]);
  });
});
