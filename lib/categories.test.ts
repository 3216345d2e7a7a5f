import { expect } from "chai";
import {
  ALL_CATEGORIES_MASK,
  Category,
  CATEGORY_LABELS,
  categoriesOf,
  categoryMask,
  isCategoryId,
  type CategoryId,
} from "./categories";

const ids = Object.values(Category) as CategoryId[];

describe("categories", () => {
  it("numbers the categories 0..13 without gaps or repeats, general details first", () => {
    expect(ids).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(Category.GeneralDetails).to.equal(0);
  });

  it("has a plain, distinct label for every category and for nothing else", () => {
    expect(Object.keys(CATEGORY_LABELS).map(Number)).to.deep.equal(ids);
    const labels = ids.map((c) => CATEGORY_LABELS[c]);
    expect(new Set(labels).size).to.equal(ids.length);
    for (const label of labels)
      expect(label)
        .to.be.a("string")
        .and.match(/^[A-Z][a-z ]+$/);
    expect(CATEGORY_LABELS[Category.GeneralDetails]).to.equal("General details");
  });

  describe("categoryMask", () => {
    it("sets bit c for category c", () => {
      expect(categoryMask([])).to.equal(0);
      expect(categoryMask([Category.GeneralDetails])).to.equal(1);
      expect(categoryMask([Category.Allergies, Category.Medications])).to.equal(0b110);
      expect(categoryMask([Category.CarePlans])).to.equal(1 << 13);
      expect(categoryMask(ids)).to.equal(0x3fff);
    });

    it("ignores order and repeats", () => {
      expect(categoryMask([3, 1, 3, 1])).to.equal(categoryMask([1, 3]));
    });

    it("is a non-negative 32-bit integer, as the contract's uint32 expects", () => {
      const mask = categoryMask(ids);
      expect(mask).to.be.at.least(0).and.at.most(0xffffffff);
      expect(Number.isInteger(mask)).to.equal(true);
    });
  });

  describe("categoriesOf", () => {
    it("lists the categories a mask covers, in order", () => {
      expect(categoriesOf(0)).to.deep.equal([]);
      expect(categoriesOf(1)).to.deep.equal([Category.GeneralDetails]);
      expect(categoriesOf(0b1010)).to.deep.equal([Category.Allergies, Category.Conditions]);
    });

    it("reads the all-categories mask as every known category", () => {
      expect(ALL_CATEGORIES_MASK).to.equal(0xffffffff);
      expect(categoriesOf(ALL_CATEGORIES_MASK)).to.deep.equal(ids);
      // The same 32 bits read as a signed number (as some encoders hand them back).
      expect(categoriesOf(-1)).to.deep.equal(ids);
    });

    it("ignores bits of categories not defined yet", () => {
      expect(categoriesOf(1 << 14)).to.deep.equal([]);
      expect(categoriesOf((1 << 31) | (1 << 20) | (1 << 2))).to.deep.equal([Category.Medications]);
    });

    it("inverts categoryMask for every set of known categories", () => {
      for (let mask = 0; mask < 1 << ids.length; mask++) {
        const cats = categoriesOf(mask);
        expect(categoryMask(cats)).to.equal(mask);
      }
    });
  });

  describe("isCategoryId", () => {
    it("accepts 0..13", () => {
      for (const c of ids) expect(isCategoryId(c)).to.equal(true);
    });

    it("rejects anything else", () => {
      for (const v of [-1, 14, 31, 1.5, NaN, Infinity, -0.5, Number.MAX_SAFE_INTEGER]) {
        expect(isCategoryId(v), String(v)).to.equal(false);
      }
    });
  });
});
