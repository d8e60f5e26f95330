import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../db/index.js';
import { formatYuan } from '../domain/money/money.js';
import { formatRate } from '../domain/money/rate.js';
import { importCatalogue } from '../registry/catalogue-import.js';
import { CATALOGUE, ENROLMENT_BEGIN } from './city.js';

/**
 * The demo's items catalogue (甲/乙/丙, 先行自付比例, a few price caps) written as the CSV file a
 * handling office would import, and imported through the registry's catalogue import as one
 * version in force from before the demo's enrolments begin.
 */

const CLASS_WORD = { '01': '甲', '02': '乙', '03': '丙' } as const;

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The catalogue as CSV: code, kind, name, class, self-pay proportion, unit price cap in yuan. */
export function catalogueCsv(): string {
  const lines = CATALOGUE.map((i) =>
    [
      i.code,
      i.kind,
      i.name,
      CLASS_WORD[i.class],
      formatRate(i.selfpayBp),
      i.priceCapFen === null ? '' : formatYuan(i.priceCapFen),
    ]
      .map(csvField)
      .join(','),
  );
  return `code,kind,name,class,selfpay,price cap\n${lines.join('\n')}\n`;
}

/** Import the catalogue; returns the number of items. */
export async function importDemoCatalogue(db: Database): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tongchou-demo-'));
  try {
    const file = join(dir, 'demo-catalogue.csv');
    await writeFile(file, catalogueCsv(), 'utf8');
    const imported = await importCatalogue(db, { file, validFrom: ENROLMENT_BEGIN, kind: 'items' });
    return imported.rowCount;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
