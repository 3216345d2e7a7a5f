/**
 * Messages in the browser: a patient registers and saves their general details (record 1), and
 * gives a doctor access (a scripted grant: the chain move, not what is tested here). The doctor
 * opens the chart, writes "about this record" a data request; the patient gets a notification,
 * opens the conversation (unread dot), reads the request, replies, and finds the grant form
 * prefilled from "Share access"; the doctor reads the reply. The patient revokes: the doctor's next
 * send is refused by the service (403) and one sentence replaces the composer, while the history
 * stays readable on both sides. Nothing decrypted is left in localStorage. Registered by run.ts.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import { Category, categoryMask } from "../../lib/categories";
import { doctorWithKeyThroughUi, nav, type E2e, specKit, inboxLink } from "./context";
import { ACCOUNTS, devKey } from "./stack";
import { newPatient, openChart, saveGeneralDetails } from "./steps";

const PASSPHRASE = "messages spec passphrase 2026";
const REQUEST = "Please share your latest lipid panel before Friday's visit.";
const REPLY = "I will upload it tonight, doctor.";
const AFTER = "One more question about the dosage.";
const CLOSED = /^You can no longer write here: /;

const messageList = (page: Page) => page.getByRole("list", { name: "Messages, oldest first" });

export function messagesSpecs(e2e: () => E2e): void {
  const kit = specKit(e2e);
  const { open, write } = kit;

  describe("messages: end-to-end encrypted conversations", () => {
    it("a data request about a record, a reply, and a closed conversation whose history stays", async () => {
      const doctorKey = devKey(ACCOUNTS.doctor);
      const doctor = privateKeyToAccount(doctorKey).address;

      // The patient registers and saves general details: their record 1 (index 0).
      const { key: patientKey, address: patient, session: p } = await newPatient(e2e, kit, PASSPHRASE);
      await saveGeneralDetails(p.page, "Ines Moreau", "1984-09-12");
      const { timestamp } = await kit.chain().getBlock();
      await write(patientKey, "grantAccess", [doctor, categoryMask([Category.LabResults]), Number(timestamp) + 86_400]);

      // The doctor opens the chart and writes a data request about record 1.
      const d = await open(doctorKey);
      await doctorWithKeyThroughUi(d, PASSPHRASE);
      await openChart(d.page, patient);
      await d.page.getByRole("heading", { name: "Record 1: General details" }).waitFor();
      await d.page.getByRole("link", { name: "Message about this record (record 1)" }).click();
      await d.page.getByRole("heading", { name: /^Conversation with/ }).waitFor();
      await d.page.getByText("About record 1").waitFor();
      // An empty message is refused before anything is sealed or sent.
      await d.page.getByRole("button", { name: "Send" }).click();
      await d.page.getByText("Write a message first.").waitFor();
      // The kind is a radio group with a visible label: the arrow keys choose "Request data".
      const kind = d.page.getByRole("radiogroup", { name: "Kind" });
      await kind.getByRole("radio", { name: "Plain message" }).focus();
      await d.page.keyboard.press("ArrowRight");
      expect(await kind.getByRole("radio", { name: "Request data" }).isChecked()).to.equal(true);
      await d.page.getByLabel("Lab results", { exact: true }).check();
      await d.page.getByLabel("What you need, and why").fill(REQUEST);
      await d.page.getByRole("button", { name: "Send the request" }).click();
      const doctorView = messageList(d.page);
      await doctorView.getByRole("listitem").filter({ hasText: REQUEST }).filter({ hasText: "Data request" }).waitFor();
      await e2e().screenshot(d.page, "messages-01-doctor-request");

      // The patient is told, without the content: a notification in the inbox.
      await p.page.getByTestId("inbox-badge").waitFor();
      await inboxLink(p.page).click();
      const note = p.page.getByRole("listitem").filter({ hasText: "You have a new message." });
      await note.waitFor();
      expect(await note.textContent()).to.not.contain(REQUEST);
      expect(await note.locator("time").textContent()).to.match(/^\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+$/);
      await e2e().screenshot(p.page, "messages-02-patient-inbox");

      // The conversation list shows it unread; opening it decrypts the request in the browser.
      await note.getByRole("link", { name: "Open" }).click();
      const conversations = p.page.getByRole("list", { name: "Conversations, latest first" });
      await conversations.getByTestId("unread-dot").waitFor();
      await e2e().screenshot(p.page, "messages-03-patient-conversations");
      await conversations.getByRole("button").first().click();
      const request = messageList(p.page).getByRole("listitem").filter({ hasText: REQUEST });
      await request.waitFor();
      await request.getByText("About record 1 (General details)").waitFor();
      // The sender named as in the heading, not "Your doctor".
      const heading = await p.page.getByRole("heading", { name: /^Conversation with / }).textContent();
      const doctorName = heading!.replace("Conversation with ", "");
      expect(doctorName).to.match(/^Dr /);
      expect(await request.locator(".message-meta").textContent()).to.match(new RegExp(`^${doctorName} · \\w{3}, \\d`));
      // Sent times to the minute, as a mail app says them (they carried seconds), in the inbox too.
      const minute = /^\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+$/;
      expect(await request.locator("time").textContent())
        .to.match(minute)
        .and.not.match(/\d{2}:\d{2}:\d{2}/);
      expect(await request.textContent()).to.contain("Asks for: Lab results");
      await request.getByRole("link", { name: "Share access" }).waitFor();
      // The patient's upload page exists, so the request also offers answering by uploading.
      expect(await request.getByRole("link", { name: "Upload a record" }).getAttribute("href")).to.equal("#/upload");
      await request.getByRole("button", { name: "Reply to this request" }).click();
      await p.page.getByText("Replying to the data request").waitFor();
      await p.page.getByRole("textbox", { name: "Message" }).fill(REPLY);
      await p.page.getByRole("button", { name: "Send", exact: true }).click();
      await messageList(p.page).getByRole("listitem").filter({ hasText: REPLY }).waitFor();
      await e2e().screenshot(p.page, "messages-04-patient-conversation");
      // Back in the list, it is read.
      await p.page.getByRole("button", { name: "Back to conversations" }).click();
      await conversations.getByRole("button").first().waitFor();
      expect(await conversations.getByTestId("unread-dot").count()).to.equal(0);
      expect(await conversations.locator("time").first().textContent())
        .to.match(minute)
        .and.not.match(/:\d{2}:/);

      // The doctor sees the reply in the open conversation (polled, decrypted in their browser).
      const reply = doctorView.getByRole("listitem").filter({ hasText: REPLY });
      await reply.waitFor();
      expect(await reply.textContent()).to.contain("In reply to a data request");
      expect(await reply.locator(".message-meta").textContent()).to.match(
        /^Patient 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} · \w{3}, \d/,
      );

      // "Share access" fills the grant form with the doctor and the categories asked for.
      await conversations.getByRole("button").first().click();
      await messageList(p.page)
        .getByRole("listitem")
        .filter({ hasText: REQUEST })
        .getByRole("link", { name: "Share access" })
        .click();
      await p.page.getByRole("heading", { name: "Give a doctor access" }).waitFor();
      expect((await p.page.getByLabel("Doctor", { exact: true }).inputValue()).toLowerCase()).to.equal(
        doctor.toLowerCase(),
      );
      expect(await p.page.getByLabel("Lab results", { exact: true }).isChecked()).to.equal(true);
      expect(await p.page.getByLabel("Allergies", { exact: true }).isChecked()).to.equal(false);

      // The patient revokes: the doctor's next message is refused and the composer gives way.
      await p.page.getByRole("button", { name: /^Stop sharing with / }).click();
      await p.page.getByRole("button", { name: "Yes, stop sharing" }).click();
      await p.page.getByText("No doctor has access to your records.").waitFor();
      const closed = d.page.getByText(CLOSED);
      // The doctor's page still shows the composer (its chain reads predate the revocation): the
      // service is what refuses, with 403.
      await d.page.getByRole("textbox", { name: "Message" }).fill(AFTER);
      await d.page.getByRole("button", { name: "Send", exact: true }).click();
      await closed.waitFor();
      expect(await d.page.getByRole("button", { name: /^Send/ }).count()).to.equal(0);
      expect(await doctorView.getByRole("listitem").count()).to.equal(2);
      await doctorView.getByRole("listitem").filter({ hasText: REQUEST }).waitFor();
      await doctorView.getByRole("listitem").filter({ hasText: REPLY }).waitFor();
      await e2e().screenshot(d.page, "messages-05-doctor-closed");
      // Reopened from the list, the doctor still reads both, and nothing new was stored.
      await d.page.getByRole("button", { name: "Back to conversations" }).click();
      const doctorList = d.page.getByRole("list", { name: "Conversations, latest first" });
      await doctorList.getByRole("button").filter({ hasText: "2 messages" }).click();
      await messageList(d.page).getByRole("listitem").filter({ hasText: REPLY }).waitFor();
      await d.page.getByText(CLOSED).waitFor();
      expect(await d.page.getByText(AFTER).count()).to.equal(0);

      // The patient's side: history readable, composer closed too (no grant, no appointment).
      await nav(p.page, "Messages");
      await conversations.getByRole("button").first().click();
      await messageList(p.page).getByRole("listitem").filter({ hasText: REQUEST }).waitFor();
      await messageList(p.page).getByRole("listitem").filter({ hasText: REPLY }).waitFor();
      await p.page.getByText(CLOSED).waitFor();
      // Nothing to reply with: the request keeps its other answers, and the way to write again is named.
      expect(await p.page.getByRole("button", { name: "Reply to this request" }).count()).to.equal(0);
      const reopen = p.page.locator(".conversation-closed");
      expect(await reopen.getByRole("link").allTextContents()).to.deep.equal(["Share access", "Book an appointment"]);
      await e2e().screenshot(p.page, "messages-06-patient-closed");

      // Decrypted text lives in memory only.
      for (const s of [p, d]) {
        const stored = await s.page.evaluate(() => JSON.stringify({ ...window.localStorage }));
        expect(stored).to.not.contain("lipid panel");
        expect(stored).to.not.contain("upload it tonight");
      }
    });
  });
}
