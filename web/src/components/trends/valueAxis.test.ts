/// <reference types="mocha" />
import { expect } from "chai";
import { valueAxis } from "./valueAxis";

describe("valueAxis", () => {
  it("ends on labelled round values above and below every reading (blood pressure 84-128: 60 to 140)", () => {
    // The axis stopped at the widened range: its top gridline was 120, under a 128 reading.
    expect(valueAxis([128, 84])).to.deep.equal({ min: 60, max: 140, ticks: [60, 80, 100, 120, 140] });
    expect(valueAxis([80, 76.5])).to.deep.equal({ min: 75, max: 81, ticks: [75, 76, 77, 78, 79, 80, 81] });
    expect(valueAxis([24.7, 23.6])).to.deep.equal({ min: 23, max: 25, ticks: [23, 23.5, 24, 24.5, 25] });
  });

  it("gives a lone reading room on both sides, in steps without binary noise", () => {
    expect(valueAxis([5.5])).to.deep.equal({ min: 5.3, max: 5.7, ticks: [5.3, 5.4, 5.5, 5.6, 5.7] });
    expect(valueAxis([0])).to.deep.equal({ min: -0.2, max: 0.2, ticks: [-0.2, -0.1, 0, 0.1, 0.2] });
  });

  it("holds for any readings: every one inside, ticks from min to max in equal round steps, 3 to 7 of them", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let n = 0; n < 2000; n++) {
      const scale = Math.pow(10, Math.floor(random() * 6) - 2);
      const values = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Number((random() * 300 * scale).toFixed(2)),
      );
      const { min, max, ticks } = valueAxis(values);
      const context = JSON.stringify({ values, min, max, ticks });
      expect(Math.min(...values), context).to.be.greaterThan(min);
      expect(Math.max(...values), context).to.be.lessThan(max);
      expect(ticks[0], context).to.equal(min);
      expect(ticks[ticks.length - 1], context).to.equal(max);
      expect(ticks.length, context).to.be.within(3, 7);
      const step = Number((ticks[1] - ticks[0]).toPrecision(6));
      const mantissa = Number((step / Math.pow(10, Math.floor(Math.log10(step)))).toFixed(6));
      expect([1, 2, 5], context).to.include(mantissa);
      ticks.slice(1).forEach((t, i) => expect(t - ticks[i], context).to.be.closeTo(step, step * 1e-6));
    }
  });
});
