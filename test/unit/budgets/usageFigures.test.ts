import { strict as assert } from 'node:assert';
import { sumUsage, type UsageTotals, usageFigures } from '../../../src/core/budgets';

const totals = (extra: Partial<UsageTotals> = {}): UsageTotals => ({
  calls: 3,
  tokens: 12_345,
  dollars: 0.2712,
  unpriced: 0,
  estimated: false,
  ...extra,
});

describe('usage figures for headers and tooltips', () => {
  it('formats tokens in full and compact, and the cost in dollars, for the locale', () => {
    assert.deepEqual(usageFigures(totals(), 'en'), {
      tokens: '12,345',
      compactTokens: '12.3K',
      cost: '$0.27',
      estimated: false,
      unpriced: 0,
    });
    const german = usageFigures(totals({ tokens: 1_234_567 }), 'de');
    assert.equal(german?.tokens, '1.234.567');
    assert.match(german?.cost ?? '', /^0,27\s\$$/);
  });

  it('shows no cost when no call had prices, and a lower bound when some had', () => {
    assert.equal(usageFigures(totals({ unpriced: 3, dollars: 0 }), 'en')?.cost, undefined);
    assert.deepEqual(
      { ...usageFigures(totals({ unpriced: 1 }), 'en') },
      { tokens: '12,345', compactTokens: '12.3K', cost: '$0.27', estimated: false, unpriced: 1 },
    );
  });

  it('keeps small costs readable and says when tokens are estimates', () => {
    const small = usageFigures(totals({ tokens: 800, dollars: 0.00042, estimated: true }), 'en');
    assert.deepEqual(small, { tokens: '800', compactTokens: '800', cost: '$0.00042', estimated: true, unpriced: 0 });
  });

  it('has nothing to show before the first call', () => {
    assert.equal(usageFigures(totals({ calls: 0, tokens: 0, dollars: 0 }), 'en'), undefined);
  });

  it('sums totals, estimated when any part is', () => {
    assert.deepEqual(sumUsage([totals({ dollars: 0.25 }), totals({ calls: 1, tokens: 5, dollars: 0.5, unpriced: 1, estimated: true })]), {
      calls: 4,
      tokens: 12_350,
      dollars: 0.75,
      unpriced: 1,
      estimated: true,
    });
    assert.deepEqual(sumUsage([]), { calls: 0, tokens: 0, dollars: 0, unpriced: 0, estimated: false });
  });
});
