/**
 * Staff roles and the permission table: which role may call which operation. One table, read by
 * the one authorisation function (src/staff/service.ts `authorise`), so that a reviewer can see at
 * a glance who may do what. An operation not in a role's list is refused (FORBIDDEN) and the refusal
 * is written to the audit log.
 */

export const ROLES = [
  'handler', // 经办: registers persons, enrols them, records contributions
  'reviewer', // 复核: checks a handler's work; may reverse a settlement
  'approver', // 审批: approves; may reverse a settlement, register institutions
  'fund_manager', // 基金管理: ledger, fund reports, contributions
  'analyst', // 政策分析: fund reports, ledger reads, merges (read)
  'supervisor', // 监督: reads everything, including the audit log; writes nothing
  'administrator', // 系统管理: areas, catalogue, policy packs, pool merges
] as const;

export type Role = (typeof ROLES)[number];

const EVERYONE: readonly Role[] = ROLES;
const CASEWORK: readonly Role[] = ['handler', 'reviewer', 'approver', 'supervisor', 'administrator'];

/** Every operation of the REST API, with the roles that may call it. */
export const PERMISSIONS = {
  'area.read': EVERYONE,
  'area.create': ['administrator'],
  'employer.read': CASEWORK,
  'employer.create': ['handler', 'administrator'],
  'person.read': CASEWORK,
  'person.create': ['handler', 'administrator'],
  'enrolment.create': ['handler', 'administrator'],
  'enrolment.status': ['handler', 'administrator'],
  'contribution.read': ['handler', 'fund_manager', 'supervisor', 'administrator'],
  'contribution.record': ['handler', 'fund_manager'],
  'institution.read': EVERYONE,
  'institution.create': ['approver', 'administrator'],
  'institution.agreement': ['approver', 'administrator'],
  'catalogue.read': EVERYONE,
  'catalogue.import': ['administrator'],
  'pack.read': EVERYONE,
  'pack.store': ['administrator'],
  'pack.assign': ['administrator'],
  'settlement.read': [...CASEWORK, 'fund_manager'],
  // A reversal undoes money paid: it needs a second pair of eyes, not the handler who took the request.
  'settlement.reverse': ['reviewer', 'approver'],
  'ledger.read': ['fund_manager', 'analyst', 'supervisor', 'administrator'],
  'fund.report': ['fund_manager', 'analyst', 'supervisor', 'administrator'],
  'pool.merge.read': ['administrator', 'analyst', 'fund_manager', 'supervisor'],
  'pool.merge.schedule': ['administrator'],
  'pool.merge.run': ['administrator'],
  'pool.merge.cancel': ['administrator'],
  'audit.read': ['supervisor', 'administrator'],
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof PERMISSIONS;

/** Whether a role may call an operation (the area scope is checked apart). */
export function roleMay(role: Role, operation: Operation): boolean {
  return (PERMISSIONS[operation] as readonly Role[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
