import type { Scheme } from '../../domain/policy/dimensions.js';
import type { Settlement } from '../../domain/settlement/types.js';
import {
  expenseAccount,
  payableAccount,
  personalAccount,
  poolBook,
  type Book,
} from '../../fund/ledger/accounts.js';
import type { Transfer } from '../../fund/ledger/service.js';

/**
 * The ledger transfers of a settlement: each fund that pays books its expenditure in the insured
 * person's area against what it now owes the institution. The pool pays from its scheme's book;
 * large-amount aid and critical-illness insurance from the critical-illness book; the personal
 * account from the person's account. Medical assistance is paid by the civil-affairs fund, which is
 * not one of the scheme's books: it is recorded on the settlement (settlement_fund) but not posted.
 */
export function settlementTransfers(
  s: Settlement,
  p: { scheme: Scheme; area: string; institution: string; psnNo: string },
): Transfer[] {
  const transfers: Transfer[] = [];
  const pay = (book: Book, amount: number) => {
    if (amount > 0) {
      transfers.push({
        debit: expenseAccount(book, p.area, p.institution),
        credit: payableAccount(book, p.area, p.institution),
        amount,
      });
    }
  };
  pay(poolBook(p.scheme), s.poolPay);
  pay('critical-illness', s.largeAmountPay + s.criticalIllnessPay);
  if (s.accountPay > 0) {
    transfers.push({
      debit: personalAccount(p.psnNo, p.area),
      credit: payableAccount('personal-account', p.area, p.institution),
      amount: s.accountPay,
    });
  }
  return transfers;
}
