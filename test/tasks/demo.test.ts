import { expect } from "chai";
import { ethers } from "hardhat";
import { DEMO, OFFICE_HOURS } from "../../scripts/lib/demo";
import { runTask, useDeployedSystem } from "./support";

describe("ehr:seed-demo", () => {
  const { fixture } = useDeployedSystem();

  it("onboards the demo hospital and doctors with office hours on an empty system", async () => {
    const { core, book } = await fixture();
    const signers = await ethers.getSigners();
    const { result } = await runTask<{ seeded: boolean }>("ehr:seed-demo");
    expect(result.seeded).to.equal(true);
    const hospital = await core.hospital(1);
    expect([hospital.account, hospital.name, hospital.active]).to.deep.equal([
      signers[DEMO.hospital.account].address,
      DEMO.hospital.name,
      true,
    ]);
    expect(await core.doctorCount()).to.equal(BigInt(DEMO.doctors.length));
    for (const d of DEMO.doctors) {
      const account = signers[d.account].address;
      const doctor = await core.doctor(account);
      expect([doctor.name, doctor.specialty, doctor.hospitalId]).to.deep.equal([d.name, BigInt(d.specialty), 1n]);
      expect(doctor.licenceHash).to.equal(ethers.keccak256(ethers.toUtf8Bytes(d.licence)));
      expect(await book.weeklyAvailability(account)).to.deep.equal(OFFICE_HOURS);
    }
  });

  it("does nothing when hospitals already exist, so a restart never onboards twice", async () => {
    const { core, admin, stranger } = await fixture();
    await core.connect(admin).addHospital(stranger.address, "Existing");
    const { result, output } = await runTask<{ seeded: boolean }>("ehr:seed-demo");
    expect(result.seeded).to.equal(false);
    expect(output).to.contain("nothing to seed");
    expect(await core.hospitalCount()).to.equal(1n);
    expect(await core.doctorCount()).to.equal(0n);
  });

  it("refuses a signer who is not the admin", async () => {
    const { core, stranger } = await fixture();
    await expect(runTask("ehr:seed-demo", { from: stranger.address })).to.be.rejectedWith(/is not the admin/);
    expect(await core.hospitalCount()).to.equal(0n);
  });
});

describe("OFFICE_HOURS", () => {
  it("offers 09:00 to 17:00 UTC on weekdays and nothing at weekends", () => {
    const bits = (day: bigint) => [...Array(48).keys()].filter((slot) => (day >> BigInt(slot)) & 1n);
    for (const day of OFFICE_HOURS.slice(0, 5))
      expect(bits(day)).to.deep.equal([...Array(16).keys()].map((i) => 18 + i));
    expect(OFFICE_HOURS.slice(5)).to.deep.equal([0n, 0n]);
  });
});
