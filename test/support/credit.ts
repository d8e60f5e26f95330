import type { Database } from '../../src/db/index.js';
import { fundAccount, personalAccount } from '../../src/fund/ledger/accounts.js';
import { postJournal } from '../../src/fund/ledger/service.js';
import { WORLD } from './world.js';

/**
 * Credit a person's personal account as a contribution would (personal-account book: Dr the fund,
 * Cr the person's account), posted straight to the ledger: the contribution service needs
 * contribution parameters that the Sanming test pack does not state.
 */
export async function creditAccount(
  db: Database,
  psnNo: string,
  amount: number,
  key: string,
  date = '2025-01-31',
): Promise<void> {
  await db.transaction((tx) =>
    postJournal(tx, {
      key,
      kind: 'contribution',
      date,
      memo: { psnNo },
      transfers: [
        {
          debit: fundAccount('personal-account', WORLD.city),
          credit: personalAccount(psnNo, WORLD.city),
          amount,
        },
      ],
    }),
  );
}
