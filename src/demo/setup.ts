import { readFileSync } from 'node:fs';
import type { Database } from '../db/index.js';
import { shippedPacks } from '../policy/load.js';
import { bulkEnrol } from '../registry/bulk-enrol.js';
import { assignPack, storePack } from '../registry/packs.js';
import { createArea, createEmployer, createInstitution } from '../registry/service.js';
import type { DemoInstitution } from './claims.js';
import { AREAS, CITY, DEMO_PACK_ID, ENROLMENT_BEGIN, institutionPlan, PROVINCE } from './city.js';
import { importDemoCatalogue } from './catalogue.js';
import type { Population } from './population.js';
import type { DemoReporter } from './progress.js';

/**
 * The demo city's registry, written through the registry's own services: the area tree, employers,
 * designated institutions, the catalogue, the pack assigned to every area for both schemes, and the
 * insured persons with their enrolments (bulk enrolment, COPY).
 */

/** Province → city (the pool, also 市本级) → the six counties under it. */
export async function createAreas(db: Database): Promise<void> {
  await createArea(db, { code: PROVINCE.code, name: PROVINCE.name, level: 'province' });
  await createArea(db, { code: CITY.code, name: CITY.name, level: 'city', parentCode: PROVINCE.code });
  for (const area of AREAS.filter((a) => a.county)) {
    await createArea(db, { code: area.code, name: area.name, level: 'county', parentCode: CITY.code });
  }
}

export async function createEmployers(db: Database, population: Population): Promise<void> {
  for (const e of population.employers) await createEmployer(db, e);
}

/** Every level in every area, agreements in force from before the demo begins. */
export async function createInstitutions(db: Database): Promise<DemoInstitution[]> {
  const created: DemoInstitution[] = [];
  for (const area of AREAS) {
    for (const [i, plan] of institutionPlan(area).entries()) {
      const code = `H${area.code}${String(i + 1).padStart(5, '0')}`;
      await createInstitution(db, {
        code,
        name: plan.name,
        level: plan.level,
        priceClass: plan.priceClass,
        areaCode: area.code,
        agreementStatus: 'active',
        agreementBegin: ENROLMENT_BEGIN,
      });
      created.push({ code, level: plan.level, areaCode: area.code });
    }
  }
  return created;
}

/** Store the demo pack and let it govern both schemes in every area from its first day. */
export async function assignDemoPack(db: Database): Promise<string> {
  const file = shippedPacks().get(DEMO_PACK_ID);
  if (!file) throw new Error(`the demo pack ${DEMO_PACK_ID} is not among the shipped packs`);
  const text = readFileSync(file, 'utf8');
  return db.transaction(async (tx) => {
    const pack = await storePack(tx, text, DEMO_PACK_ID);
    for (const area of AREAS) {
      for (const scheme of ['310', '390'] as const) {
        await assignPack(tx, { area: area.code, scheme, beginDate: pack.validFrom, packHash: pack.hash });
      }
    }
    return pack.label;
  });
}

export async function enrolPersons(
  db: Database,
  population: Population,
  reporter: DemoReporter,
): Promise<number> {
  const total = population.persons.length;
  const rows = population.persons.map((p) => ({
    psnNo: p.psnNo,
    certno: p.certno,
    name: p.name,
    areaCode: p.areaCode,
    scheme: p.scheme,
    personType: p.personType,
    empNo: p.empNo,
    beginDate: p.beginDate,
  }));
  const result = await bulkEnrol(db, rows, {
    batchSize: 5_000,
    onProgress: (written) => reporter.progress(written, total),
  });
  return result.persons;
}

export interface Registry {
  institutions: DemoInstitution[];
  pack: string;
  catalogueItems: number;
}

/** The whole registry of the demo city, phase by phase. */
export async function buildRegistry(
  db: Database,
  population: Population,
  reporter: DemoReporter,
): Promise<Registry> {
  reporter.phase('pooling areas, employers, institutions');
  await createAreas(db);
  await createEmployers(db, population);
  const institutions = await createInstitutions(db);
  reporter.phase('catalogue and policy pack');
  const catalogueItems = await importDemoCatalogue(db);
  const pack = await assignDemoPack(db);
  reporter.phase(`enrolling ${population.persons.length.toLocaleString('en')} persons`);
  await enrolPersons(db, population, reporter);
  reporter.done();
  return { institutions, pack, catalogueItems };
}
