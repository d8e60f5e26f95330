import type { Sql } from '../../db/index.js';
import { DIMENSIONS, type PersonType } from '../../domain/policy/dimensions.js';
import type { Claim, FeeLine } from '../../domain/settlement/types.js';
import { ageOn } from '../../settlement/online/claim.js';
import type { ClaimTableBuilder } from './columnar-writer.js';

/**
 * `--from-db`: the settlements stored by online settlement (migrations/003), those not reversed,
 * read back as the claims they settled, with their diagnoses and person tags (family doctor,
 * assistance; recorded since migration 012 — older settlements have none, and nothing is invented
 * for them). The personal account is left out, which changes no burden (the person's part is
 * account plus cash either way). The institution's level and price class and the person's age
 * come from the registry.
 */

const PAGE = 5_000;

interface SettlementRow {
  psn_no: string;
  setl_id: string;
  scheme: string;
  person_type: string;
  med_type: string;
  institution_code: string;
  level: string;
  price_class: string | null;
  insured_area: string;
  care_area: string;
  setl_date: string;
  created: string;
  birthday: string;
  diseases: string[];
  tags: string[];
  lines: [string, string, number, number, number | null][];
}

const SELECT = `SELECT s.psn_no, s.setl_id, s.scheme, s.person_type, s.med_type, s.institution_code,
    i.level, i.price_class, s.insured_area, s.care_area, s.setl_date::text AS setl_date,
    s.created_at::text AS created, p.birthday::text AS birthday, s.diseases, s.tags,
    (SELECT json_agg(json_build_array(l.code, l.class, l.amount, l.selfpay_bp, l.price_cap_fen) ORDER BY l.seq)
       FROM settlement_line l WHERE l.psn_no = s.psn_no AND l.setl_id = s.setl_id) AS lines
  FROM settlement s
  JOIN institution i ON i.code = s.institution_code
  JOIN person p ON p.psn_no = s.psn_no
  WHERE NOT EXISTS (SELECT 1 FROM settlement_reversal r WHERE r.psn_no = s.psn_no AND r.setl_id = s.setl_id)`;

/** Each person's settlements in the order they were made: date, then time of settlement. */
const FIRST_PAGE = `${SELECT} ORDER BY s.psn_no, s.setl_date, s.created_at, s.setl_id LIMIT ${PAGE}`;
const NEXT_PAGE = `${SELECT}
    AND (s.psn_no, s.setl_date, s.created_at, s.setl_id) > ($1, $2::date, $3::timestamptz, $4)
  ORDER BY s.psn_no, s.setl_date, s.created_at, s.setl_id LIMIT ${PAGE}`;

function claimOf(r: SettlementRow): Claim {
  if (!(DIMENSIONS.personType as readonly string[]).includes(r.person_type)) {
    throw new Error(`settlement ${r.setl_id} has person type ${r.person_type}`);
  }
  const fees: FeeLine[] = (r.lines ?? []).map(([code, cls, amount, bp, cap]) => ({
    code,
    catalogClass: cls as FeeLine['catalogClass'],
    amount,
    selfPayRate: bp,
    priceCapTotal: cap,
  }));
  return {
    claimId: r.setl_id,
    psnNo: r.psn_no,
    scheme: r.scheme as Claim['scheme'],
    personType: r.person_type as PersonType,
    age: Math.max(0, Math.min(150, ageOn(r.birthday, r.setl_date))),
    familyDoctor: r.tags.includes('family-doctor'),
    assistance: r.tags.includes('assistance'),
    medType: r.med_type,
    institution: r.institution_code,
    level: r.level,
    priceClass: r.price_class ?? undefined,
    personArea: r.insured_area,
    careArea: r.care_area,
    date: r.setl_date,
    diseases: r.diseases,
    useAccount: false,
    accountBalance: 0,
    fees,
    prior: undefined,
  };
}

/** Add every settlement not reversed to the builder, a page at a time; returns how many. */
export async function readSettlements(
  db: Sql,
  builder: ClaimTableBuilder,
  onProgress: (claims: number) => void = () => undefined,
): Promise<number> {
  let read = 0;
  let last: SettlementRow | undefined;
  for (;;) {
    const rows = last
      ? await db.query<SettlementRow>(NEXT_PAGE, [last.psn_no, last.setl_date, last.created, last.setl_id])
      : await db.query<SettlementRow>(FIRST_PAGE);
    for (const r of rows) builder.add(claimOf(r));
    read += rows.length;
    onProgress(read);
    if (rows.length < PAGE) return read;
    last = rows[rows.length - 1];
  }
}
