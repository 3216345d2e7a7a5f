/// <reference types="mocha" />
import { expect } from "chai";
import { buildPath, matchPath } from "./useHashRoute";

const PATIENT = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

describe("hash route patterns", () => {
  it("matches literal paths, required and optional parameters", () => {
    expect(matchPath("/", "/")).to.deep.equal({});
    expect(matchPath("/records", "/records")).to.deep.equal({});
    expect(matchPath("/records/:record?", "/records")).to.deep.equal({});
    expect(matchPath("/records/:record?", "/records/3")).to.deep.equal({ record: "3" });
    expect(matchPath("/chart/:patient?", `/chart/${PATIENT}`)).to.deep.equal({ patient: PATIENT });
    expect(matchPath("/patients/:patient/records/:record?", `/patients/${PATIENT}/records/2`)).to.deep.equal({
      patient: PATIENT,
      record: "2",
    });
  });

  it("refuses other pages, missing required parameters, extra segments and bad escapes", () => {
    expect(matchPath("/", "/records")).to.equal(undefined);
    expect(matchPath("/records/:record?", "/recordsx")).to.equal(undefined);
    expect(matchPath("/records/:record?", "/records/3/more")).to.equal(undefined);
    expect(matchPath("/patients/:patient", "/patients")).to.equal(undefined);
    expect(matchPath("/records/:record?", "/records/%E0%A4%A")).to.equal(undefined);
  });

  it("builds paths back, leaving out optional parameters without a value", () => {
    expect(buildPath("/records/:record?")).to.equal("/records");
    expect(buildPath("/records/:record?", { record: "3" })).to.equal("/records/3");
    expect(buildPath("/chart/:patient?", { patient: PATIENT })).to.equal(`/chart/${PATIENT}`);
    expect(buildPath("/a/:x?/:y?", { y: "2" })).to.equal("/a");
    expect(buildPath("/q/:name?", { name: "a b/c" })).to.equal("/q/a%20b%2Fc");
    const built = buildPath("/q/:name?", { name: "a b/c" });
    expect(matchPath("/q/:name?", built)).to.deep.equal({ name: "a b/c" });
  });
});
