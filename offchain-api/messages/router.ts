import express, { Router } from "express";
import {
  conversationPageSchema,
  MAX_MESSAGE_BODY,
  messagePageSchema,
  pageQuerySchema,
  sendMessageBodySchema,
  sentMessageSchema,
  threadParamsSchema,
} from "../../lib/api/wire/messages";
import type { ApiServices } from "../services";
import { handle } from "../http/validate";
import { requireSession } from "../sessions/middleware";
import { conversation, conversations, sendMessage } from "./service";

/**
 * `/v1/messages` (README, "Messages"): POST / stores a sealed message (201 `{id, threadId, sentAt}`);
 * GET /conversations lists the session's conversations and GET /conversations/:threadId one
 * conversation's messages, newest first. Who may send and read is decided in ./service.ts.
 */
export function messagesRouter(services: ApiServices): Router {
  const router = Router();
  router.use(requireSession(services));
  const send = { body: sendMessageBodySchema, answer: sentMessageSchema };
  const list = { query: pageQuerySchema, answer: conversationPageSchema };
  const read = { params: threadParamsSchema, query: pageQuerySchema, answer: messagePageSchema };

  router.post(
    "/",
    express.json({ limit: MAX_MESSAGE_BODY }),
    handle(send, ({ body }, caller) => sendMessage(services, caller, body), { status: 201 }),
  );
  router.get(
    "/conversations",
    handle(list, ({ query }, caller) => conversations(services, caller, query)),
  );
  router.get(
    "/conversations/:threadId",
    handle(read, ({ params, query }, caller) => conversation(services, caller, params.threadId, query)),
  );
  return router;
}
