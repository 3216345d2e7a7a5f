import { randomBytes } from "node:crypto";
import { expect } from "chai";
import express from "express";
import pino from "pino";
import request from "supertest";
import { getAddress } from "viem";
import { createSiweMessage, type CreateSiweMessageParameters } from "viem/siwe";
import type { Hex } from "viem";
import { errorHandler, HttpError } from "../http/errors";
import { startTestStack, WEB_ORIGIN, type StackAccount, type TestStack } from "../testing/stack";
import { requireRole, requireSession } from "./middleware";
import { StateDatabase } from "../state/database";
import { SessionService } from "./service";
import { expectError } from "../testing/records";
import { thrown } from "../../lib/testing/thrown";

describe("sessions (SIWE)", () => {
  let stack: TestStack;
  /** Every token and signature made here: none may ever appear in a log line. */
  const secrets: string[] = [];

  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.close());

  const signIn = async (who: StackAccount) => {
    const token = await stack.signIn(who);
    secrets.push(token);
    return token;
  };
  const post = (message: string, signature: string) =>
    request(stack.app).post("/v1/auth/session").send({ message, signature });
  const signed = async (who: StackAccount, message: string) => {
    const signature = await who.account.signMessage({ message });
    secrets.push(signature);
    return signature;
  };
  const whoAmI = (token: string) => request(stack.app).get("/v1/auth/session").set("Authorization", `Bearer ${token}`);

  describe("sign-in and role", () => {
    for (const [name, role] of [
      ["patient", "patient"],
      ["doctor", "doctor"],
      ["admin", "admin"],
      ["hospital", "hospital"],
      ["outsider", "none"],
    ] as const) {
      it(`signs in the ${name} and reports the role "${role}" read from the chain`, async () => {
        const who = stack[name];
        const message = await stack.siweMessage(who);
        const res = await post(message, await signed(who, message)).expect(201);
        secrets.push(res.body.token);
        expect(res.body.address).to.equal(who.address);
        expect(res.body.token).to.match(/^v1\.[\w-]+\.[\w-]+$/);
        expect(Date.parse(res.body.expiresAt)).to.be.greaterThan(Date.now());
        const { body } = await whoAmI(res.body.token).expect(200);
        expect(body).to.deep.equal({ address: who.address, role, expiresAt: res.body.expiresAt });
      });
    }

    it('reports "suspended" for a doctor suspended after signing in (read on every request)', async () => {
      const token = await signIn(stack.doctor2);
      expect((await whoAmI(token).expect(200)).body.role).to.equal("doctor");
      await (await stack.coreContract.suspendDoctor(stack.doctor2.address, 1)).wait();
      expect((await whoAmI(token).expect(200)).body.role).to.equal("suspended");
    });

    it("issues single-use nonces with a five-minute expiry, never cached", async () => {
      const a = await request(stack.app).get("/v1/auth/nonce").expect(200);
      const b = await request(stack.app).get("/v1/auth/nonce").expect(200);
      expect(a.body.nonce).to.match(/^[A-Za-z0-9]{8,}$/);
      expect(a.body.nonce).not.to.equal(b.body.nonce);
      expect(a.headers["cache-control"]).to.equal("no-store");
      const ttl = Date.parse(a.body.expiresAt) - Date.now();
      expect(ttl).to.be.within(290_000, 300_000);
    });
  });

  describe("refused tokens (401)", () => {
    it("refuses a request without a token", async () => {
      expectError(await request(stack.app).get("/v1/auth/session"), 401, "unauthorized", /Sign in first/);
    });

    it("refuses a malformed token and a non-bearer scheme", async () => {
      for (const token of ["abc", "v1.abc", "v1.a.b.c", "v2.e30.AAAA", "v1..x"]) {
        expectError(await whoAmI(token), 401, "unauthorized", /session token is not valid/);
      }
      const basic = await request(stack.app).get("/v1/auth/session").set("Authorization", "Basic dXNlcjpwYXNz");
      expectError(basic, 401, "unauthorized", /Sign in first/);
    });

    it("refuses a token whose payload or MAC was changed", async () => {
      const token = await signIn(stack.patient);
      const [version, payload, mac] = token.split(".");
      const session = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      const forged = Buffer.from(JSON.stringify({ ...session, address: stack.admin.address })).toString("base64url");
      const longer = Buffer.from(JSON.stringify({ ...session, expiresAt: session.expiresAt + 86_400 })).toString(
        "base64url",
      );
      const flipped = mac.slice(0, 10) + (mac[10] === "A" ? "B" : "A") + mac.slice(11);
      // The same 32 bytes spelled differently: the last character's two unused bits set.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const respelled = mac.slice(0, -1) + alphabet[alphabet.indexOf(mac.at(-1)!) ^ 1];
      expect(Buffer.from(respelled, "base64url")).to.deep.equal(Buffer.from(mac, "base64url"));
      for (const bad of [
        `${version}.${forged}.${mac}`,
        `${version}.${longer}.${mac}`,
        `${version}.${payload}.${flipped}`,
        `${version}.${payload}.${respelled}`,
        `${version}.${payload}.${mac}A`,
        `${version}.${payload}.${mac.slice(0, -1)}`,
      ]) {
        expectError(await whoAmI(bad), 401, "unauthorized", /session token is not valid/);
      }
      await whoAmI(token).expect(200);
    });

    it("refuses a token after logout, and logout needs a session", async () => {
      const token = await signIn(stack.patient);
      const other = await signIn(stack.patient);
      // Both used first, so each is a token the service has verified and keeps in memory.
      await whoAmI(token).expect(200);
      await whoAmI(other).expect(200);
      await request(stack.app).delete("/v1/auth/session").set("Authorization", `Bearer ${token}`).expect(204);
      expectError(await whoAmI(token), 401, "unauthorized", /signed out/);
      const again = await request(stack.app).delete("/v1/auth/session").set("Authorization", `Bearer ${token}`);
      expectError(again, 401, "unauthorized", /signed out/);
      expectError(await request(stack.app).delete("/v1/auth/session"), 401, "unauthorized", /Sign in first/);
      // Another session of the same account is untouched.
      await whoAmI(other).expect(200);
      await whoAmI(await signIn(stack.patient)).expect(200);
    });
  });

  describe("logout across a restart (finding 8)", () => {
    it("still refuses a signed-out token after the service restarts on the same data folder", async () => {
      const token = await signIn(stack.patient);
      const other = await signIn(stack.patient);
      await request(stack.app).delete("/v1/auth/session").set("Authorization", `Bearer ${token}`).expect(204);
      await stack.restartServices();
      expectError(await whoAmI(token), 401, "unauthorized", /signed out/);
      await whoAmI(other).expect(200);
    });
  });

  describe("refused sign-ins (401 with the reason)", () => {
    const hour = 3600_000;
    const cases: [string, () => Promise<{ message: string; signer?: StackAccount }>, RegExp][] = [
      [
        "a message without an expiration",
        async () => ({ message: await stack.siweMessage(stack.patient, { expirationTime: undefined }) }),
        /must say when it expires/,
      ],
      [
        "an expired message",
        async () => ({
          message: await stack.siweMessage(stack.patient, {
            issuedAt: new Date(Date.now() - 2 * hour),
            expirationTime: new Date(Date.now() - 1000),
          }),
        }),
        /has expired/,
      ],
      [
        "a message not valid yet (notBefore in the future)",
        async () => ({ message: await stack.siweMessage(stack.patient, { notBefore: new Date(Date.now() + hour) }) }),
        /not valid yet/,
      ],
      [
        "a message issued far in the future",
        async () => ({
          message: await stack.siweMessage(stack.patient, {
            issuedAt: new Date(Date.now() + hour),
            expirationTime: new Date(Date.now() + 2 * hour),
          }),
        }),
        /dated in the future/,
      ],
      [
        "a message for another domain",
        async () => ({ message: await stack.siweMessage(stack.patient, { domain: "evil.example" }) }),
        /another website/,
      ],
      [
        "a message whose URI has another origin",
        async () => ({ message: await stack.siweMessage(stack.patient, { uri: "https://evil.example/login" }) }),
        /another web address/,
      ],
      [
        "a message for another chain",
        async () => ({ message: await stack.siweMessage(stack.patient, { chainId: 1 }) }),
        /another chain/,
      ],
      [
        "a nonce the service never issued",
        async () => ({ message: await stack.siweMessage(stack.patient, { nonce: "a1b2c3d4e5f6a7b8c9d0" }) }),
        /nonce is unknown, already used or expired/,
      ],
      [
        "a message signed by another account",
        async () => ({ message: await stack.siweMessage(stack.patient), signer: stack.outsider }),
        /signature does not match/,
      ],
      [
        "a message without Issued At (EIP-4361 requires it)",
        async () => ({ message: (await stack.siweMessage(stack.patient)).replace(/\nIssued At: [^\n]*/, "") }),
        // viem's parser already finds no SIWE message without it (the service's own check is the backstop).
        /not a valid Sign-In with Ethereum message/,
      ],
      ...(["Expiration Time", "Not Before", "Issued At"] as const).map(
        (field) =>
          [
            `a message whose ${field} is not a real date (2099-99-99)`,
            async () => {
              const message = await stack.siweMessage(stack.patient, { notBefore: new Date(Date.now() - hour) });
              const line = new RegExp(`\\n${field}: [^\\n]*`);
              expect(message).to.match(line);
              return { message: message.replace(line, `\n${field}: 2099-99-99T00:00:00Z`) };
            },
            /not a valid date and time/,
          ] as [string, () => Promise<{ message: string }>, RegExp],
      ),
      [
        "a message that is not SIWE",
        async () => ({ message: "Please let me in.\nNonce: a1b2c3d4e5f6a7b8" }),
        /not a valid Sign-In with Ethereum message/,
      ],
    ];
    for (const [name, make, reason] of cases) {
      it(`refuses ${name}`, async () => {
        const { message, signer } = await make();
        const res = await post(message, await signed(signer ?? stack.patient, message));
        expectError(res, 401, "unauthorized", reason);
        expect(res.body.token).to.equal(undefined);
      });
    }

    it("refuses a replayed message: the nonce is single use", async () => {
      const message = await stack.siweMessage(stack.patient);
      const signature = await signed(stack.patient, message);
      secrets.push((await post(message, signature).expect(201)).body.token);
      expectError(await post(message, signature), 401, "unauthorized", /already used/);
    });

    it("uses up the nonce on a failed attempt", async () => {
      const message = await stack.siweMessage(stack.patient);
      expectError(await post(message, await signed(stack.outsider, message)), 401, "unauthorized", /does not match/);
      expectError(await post(message, await signed(stack.patient, message)), 401, "unauthorized", /already used/);
    });

    /** `address` with the case of its first letter flipped: a wrong EIP-55 checksum (finding 10). */
    const flipCase = (address: string) => {
      const i = address.slice(2).search(/[a-fA-F]/) + 2;
      const c = address[i]!;
      return address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
    };
    /** A fresh message for the patient whose address line is replaced by `address` (viem's builder refuses bad ones). */
    const withAddress = async (address: string) =>
      (await stack.siweMessage(stack.patient)).replace(`\n${stack.patient.address}\n`, `\n${address}\n`);

    for (const [name, spell] of [
      ["a wrong EIP-55 checksum (one letter's case flipped)", flipCase],
      ["an all-lower-case address (EIP-4361 wants the checksummed form)", (a: string) => a.toLowerCase()],
    ] as const) {
      it(`refuses ${name} with one sentence, and uses up its nonce`, async () => {
        const spelled = spell(stack.patient.address);
        expect(spelled).not.to.equal(stack.patient.address);
        const message = await withAddress(spelled);
        expect(message).to.include(spelled);
        const res = await post(message, await signed(stack.patient, message));
        expectError(
          res,
          401,
          "unauthorized",
          /^The sign-in message's address is not in its checksummed form \(EIP-55\)\.$/,
        );
        expect(res.body.token).to.equal(undefined);
        // The same nonce in a correct message is used up.
        const fixed = message.replace(`\n${spelled}\n`, `\n${stack.patient.address}\n`);
        expectError(await post(fixed, await signed(stack.patient, fixed)), 401, "unauthorized", /already used/);
      });
    }

    it("uses up the nonce on every refused attempt, whatever the reason", async () => {
      const hour = 3600_000;
      const refusals: [Partial<CreateSiweMessageParameters>, RegExp][] = [
        [{ expirationTime: undefined }, /must say when it expires/],
        [{ domain: "evil.example" }, /another website/],
        [{ uri: "https://evil.example/login" }, /another web address/],
        [{ chainId: 1 }, /another chain/],
        [{ notBefore: new Date(Date.now() + hour) }, /not valid yet/],
        [
          { issuedAt: new Date(Date.now() + hour), expirationTime: new Date(Date.now() + 2 * hour) },
          /dated in the future/,
        ],
        [{ issuedAt: new Date(Date.now() - 2 * hour), expirationTime: new Date(Date.now() - 1000) }, /has expired/],
      ];
      for (const [overrides, reason] of refusals) {
        const refused = await stack.siweMessage(stack.patient, overrides);
        expectError(await post(refused, await signed(stack.patient, refused)), 401, "unauthorized", reason);
        const nonce = /^Nonce: (\S+)$/m.exec(refused)![1]!;
        const good = createSiweMessage({
          address: stack.patient.address,
          chainId: stack.chain.chainId,
          domain: new URL(WEB_ORIGIN).host,
          uri: WEB_ORIGIN,
          version: "1",
          nonce,
          issuedAt: new Date(),
          expirationTime: new Date(Date.now() + hour),
        });
        const again = await post(good, await signed(stack.patient, good));
        expectError(again, 401, "unauthorized", /already used/);
      }
    });

    it("keeps session addresses checksummed", async () => {
      const res = await post(
        ...(await (async () => {
          const m = await stack.siweMessage(stack.patient);
          return [m, await signed(stack.patient, m)] as const;
        })()),
      ).expect(201);
      secrets.push(res.body.token);
      expect(res.body.address).to.equal(getAddress(stack.patient.address));
      expect(stack.services.sessions.verify(res.body.token).address).to.equal(getAddress(stack.patient.address));
    });

    it("refuses a signature that is not a signature", async () => {
      const message = await stack.siweMessage(stack.patient);
      expectError(await post(message, "0x1234"), 401, "unauthorized", /signature does not match/);
    });

    it("answers a malformed body with 400 naming the fields", async () => {
      const message = await stack.siweMessage(stack.patient);
      expectError(await post(message, "not hex"), 400, "bad_request", /check signature/);
      expectError(
        await request(stack.app).post("/v1/auth/session").send({ message: 5 }),
        400,
        "bad_request",
        /check message, signature/,
      );
      expectError(
        await request(stack.app)
          .post("/v1/auth/session")
          .send({ message: "x".repeat(5000), signature: "0x00" }),
        400,
        "bad_request",
        /check message/,
      );
      expectError(
        await request(stack.app).post("/v1/auth/session").set("Content-Type", "application/json").send("{nope"),
        400,
        "bad_request",
        /not valid JSON/,
      );
      expectError(
        await request(stack.app)
          .post("/v1/auth/session")
          .set("Content-Type", "application/json")
          .send(JSON.stringify({ message: "x".repeat(20_000), signature: "0x00" })),
        413,
        "payload_too_large",
        /larger than this service accepts/,
      );
    });
  });

  describe("requireRole", () => {
    /** A throwaway app with one doctor-only route, built from the stack's real services. */
    const doctorOnly = () => {
      const app = express();
      app.get("/doctor-only", requireSession(stack.services), requireRole(stack.services, "doctor"), (_req, res) => {
        res.json({ ok: true, role: res.locals.role });
      });
      app.use(errorHandler(pino({ level: "silent" })));
      return app;
    };

    it("lets an active doctor through with the role on res.locals", async () => {
      const token = await signIn(stack.doctor);
      const { body } = await request(doctorOnly()).get("/doctor-only").set("Authorization", `Bearer ${token}`);
      expect(body).to.deep.equal({ ok: true, role: "doctor" });
    });

    it("refuses a suspended doctor with 403 and a plain sentence", async () => {
      // doctor2 was suspended above; its token is still a valid session.
      const token = await signIn(stack.doctor2);
      const res = await request(doctorOnly()).get("/doctor-only").set("Authorization", `Bearer ${token}`);
      expect(res.status).to.equal(403);
      expect(res.body.error).to.include({
        code: "forbidden",
        message: "Your doctor account is suspended: ask your hospital.",
      });
    });

    it("refuses another role with 403 naming what is needed, and no session with 401", async () => {
      const token = await signIn(stack.patient);
      const res = await request(doctorOnly()).get("/doctor-only").set("Authorization", `Bearer ${token}`);
      expect(res.status).to.equal(403);
      expect(res.body.error.message).to.equal("This needs an active doctor; your account is a registered patient.");
      const anonymous = await request(doctorOnly()).get("/doctor-only");
      expect(anonymous.status).to.equal(401);
    });
  });

  describe("SessionService with its own clock", () => {
    let clock: number;
    let service: SessionService;
    beforeEach(() => {
      clock = Date.parse("2030-01-01T00:00:00Z");
      service = new SessionService({
        secret: randomBytes(32),
        domain: new URL(WEB_ORIGIN).host,
        origin: WEB_ORIGIN,
        chainId: stack.chain.chainId,
        publicClient: stack.publicClient,
        maxSessionSeconds: 3600,
        state: StateDatabase.open(":memory:", []),
        now: () => clock,
      });
    });
    const message = (nonce: string, expiresInMs: number) =>
      createSiweMessage({
        address: stack.patient.address,
        chainId: stack.chain.chainId,
        domain: new URL(WEB_ORIGIN).host,
        uri: WEB_ORIGIN,
        version: "1",
        nonce,
        issuedAt: new Date(clock),
        expirationTime: new Date(clock + expiresInMs),
      });
    const open = async (expiresInMs: number) => {
      const text = message(service.issueNonce().nonce, expiresInMs);
      return service.signIn(text, (await stack.patient.account.signMessage({ message: text })) as Hex);
    };
    const refusal = (run: () => unknown) => thrown(run, HttpError);

    it("caps the session at maxSessionSeconds and refuses it once expired", async () => {
      const { token, session } = await open(24 * 3600_000);
      expect(session.expiresAt).to.equal(clock / 1000 + 3600);
      clock += 3599_000;
      expect(service.verify(token).address).to.equal(stack.patient.address);
      clock += 1000;
      const error = refusal(() => service.verify(token));
      expect(error.status).to.equal(401);
      expect(error.shortMessage).to.equal("Your session has expired: sign in again.");
    });

    it("ends the session when the signed message expires, if sooner", async () => {
      const { token, session } = await open(600_000);
      expect(session.expiresAt).to.equal(clock / 1000 + 600);
      clock += 600_000;
      expect(refusal(() => service.verify(token)).shortMessage).to.match(/expired/);
    });

    it("refuses a nonce older than five minutes", async () => {
      const { nonce } = service.issueNonce();
      clock += 300_000;
      const text = message(nonce, 600_000);
      const signature = (await stack.patient.account.signMessage({ message: text })) as Hex;
      const error = await service.signIn(text, signature).then(
        () => undefined,
        (e: HttpError) => e,
      );
      expect(error?.status).to.equal(401);
      expect(error?.shortMessage).to.match(/nonce is unknown, already used or expired/);
    });

    it("stores nothing for an issued nonce: 200 000 unused ones crowd out no one's sign-in", async () => {
      const count = () => service["state"].db.prepare("SELECT count(*) AS n FROM used_nonces").get() as { n: number };
      for (let i = 0; i < 200_000; i++) service.issueNonce();
      expect(count().n).to.equal(0);
      const { token } = await open(600_000);
      expect(service.verify(token).address).to.equal(stack.patient.address);
      expect(count().n).to.equal(1);
    });

    it("refuses a forged nonce (its expiry moved, its MAC changed, another key's) and records none of them", async () => {
      const signInWith = async (nonce: string) => {
        const text = message(nonce, 600_000);
        return service.signIn(text, (await stack.patient.account.signMessage({ message: text })) as Hex).then(
          () => undefined,
          (e: HttpError) => e,
        );
      };
      const { nonce } = service.issueNonce();
      const later = (parseInt(nonce.slice(0, 12), 16) + 3600_000).toString(16).padStart(12, "0");
      const other = new SessionService({ ...service["options"], secret: randomBytes(32) }).issueNonce().nonce;
      const flipped = `${nonce.slice(0, -1)}${nonce.endsWith("0") ? "1" : "0"}`;
      for (const forged of [`${later}${nonce.slice(12)}`, flipped, other, "abcdefgh12345678"]) {
        expect((await signInWith(forged))?.shortMessage).to.match(/nonce is unknown, already used or expired/);
      }
      expect(service["state"].db.prepare("SELECT count(*) AS n FROM used_nonces").get()).to.deep.equal({ n: 0 });
      // The genuine one still works once.
      expect(await signInWith(nonce)).to.equal(undefined);
      expect((await signInWith(nonce))?.shortMessage).to.match(/already used/);
    });

    it("refuses a token made with another secret", async () => {
      const { token } = await open(600_000);
      const other = new SessionService({ ...service["options"], secret: randomBytes(32) });
      expect(refusal(() => other.verify(token)).shortMessage).to.match(/not valid/);
    });
  });

  describe("logs", () => {
    it("never logs a token or a signature", () => {
      expect(secrets.length).to.be.greaterThan(20);
      expect(stack.logs.length).to.be.greaterThan(0);
      const logged = stack.logs.join("\n");
      for (const secret of secrets) {
        expect(logged).not.to.include(secret);
        expect(logged).not.to.include(secret.split(".")[2] ?? secret.slice(2, 40));
      }
      expect(logged).not.to.match(/authorization|bearer/i);
    });
  });
});
