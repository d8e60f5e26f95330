// The read floor of the simulation benchmark: read every row group of a columnar claims file (with
// the same checks as simulate), decode every claim as simulate does and sum its fee lines; one thread.
import { ClaimDecoder } from '../dist/pooling/simulate/claim-decoder.js';
import { ColumnarClaims, FileSource } from '../dist/pooling/simulate/columnar-reader.js';

const file = process.argv[2];
const claims = ColumnarClaims.open(new FileSource(file), file);
const decoder = new ClaimDecoder(claims.footer.dictionaries);
let total = 0;
for (let g = 0; g < claims.rowGroupCount; g++) {
  const cols = claims.rowGroup(g);
  for (let i = 0; i < cols.person.length; i++) {
    const claim = decoder.decode(cols, i);
    for (const f of claim.fees) total += f.amount;
  }
}
claims.close();
process.stdout.write(`${total}\n`);
