import { strict as assert } from 'node:assert';
import { costOf, formatCost, hasPrices, pricesProblem } from '../../../src/core/model/prices';

describe('model prices and run costs', () => {
  const prices = { input: 2.5, cachedInput: 1.25, output: 10 };

  it('costs prompt, cached prompt and completion tokens at their prices per million', () => {
    assert.equal(costOf({ prompt_tokens: 1_000_000, completion_tokens: 0 }, prices), 2.5);
    assert.equal(costOf({ prompt_tokens: 200_000, completion_tokens: 100_000 }, prices), 1.5);
    // 400k cached of 1M prompt tokens: 600k at 2.5 + 400k at 1.25 = 1.5 + 0.5.
    assert.equal(costOf({ prompt_tokens: 1_000_000, cached_tokens: 400_000, completion_tokens: 0 }, prices), 2);
    // Without a cached price, cached tokens cost the input price.
    assert.equal(costOf({ prompt_tokens: 1_000_000, cached_tokens: 400_000, completion_tokens: 0 }, { input: 2.5, output: 10 }), 2.5);
  });

  it('has no cost without usage or without both input and output prices', () => {
    assert.equal(costOf(null, prices), undefined);
    assert.equal(costOf({ prompt_tokens: 10, completion_tokens: 10 }, undefined), undefined);
    assert.equal(costOf({ prompt_tokens: 10, completion_tokens: 10 }, { input: 1 }), undefined);
    assert.equal(hasPrices({}), false);
    assert.equal(hasPrices({ input: 0, output: 0 }), true, 'a free local model is priced at zero');
  });

  it('refuses prices that are not non-negative numbers, or unknown keys, with the reason', () => {
    assert.equal(pricesProblem(undefined), undefined);
    assert.equal(pricesProblem(prices), undefined);
    assert.match(pricesProblem({ input: -1 }) ?? '', /"input"/);
    assert.match(pricesProblem({ input: '2.5' }) ?? '', /"input"/);
    assert.match(pricesProblem({ prompt: 1 }) ?? '', /unknown price "prompt"/);
    assert.match(pricesProblem([1, 2]) ?? '', /not an object/);
  });

  it('formats costs in dollars, small ones with two significant digits', () => {
    assert.equal(formatCost(1.5, 'en-US'), '$1.50');
    assert.equal(formatCost(0.0042, 'en-US'), '$0.0042');
    assert.equal(formatCost(0, 'en-US'), '$0.00');
  });
});
