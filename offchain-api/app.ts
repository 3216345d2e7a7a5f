import cors from "cors";
import express, { type Express } from "express";
import type { ApiServices } from "./services";
import { errorHandler, notFoundHandler } from "./http/errors";
import { requestLogger } from "./http/logging";
import { requestClock } from "./http/requestClock";
import { securityHeaders } from "./http/securityHeaders";
import { rateLimiter } from "./http/rateLimit";
import { auditRouter } from "./audit/router";
import { blobsRouter } from "./blobs/router";
import { custodianRouter } from "./custodian/router";
import { healthRouter } from "./health/router";
import { keysRouter } from "./keys/router";
import { identityCardsRouter } from "./identityCards/router";
import { messagesRouter } from "./messages/router";
import { readStateRouter } from "./readState/router";
import { sessionsRouter } from "./sessions/router";
import { summariesRouter } from "./summaries/router";

/**
 * The off-chain service as an Express app, built from its services (no globals; supertest drives
 * it directly). Express 5 forwards a rejected async handler to the error middleware, so handlers
 * simply throw.
 */
export function createApp(services: ApiServices): Express {
  const app = express();
  app.disable("x-powered-by");
  // X-Forwarded-For decides the client IP (rate limits, logs) only behind a proxy named in
  // EHR_TRUST_PROXY; otherwise it is the socket's peer, which a client cannot choose.
  app.set("trust proxy", services.config.trustProxy);
  app.use(requestClock);
  app.use(requestLogger(services.logger));
  app.use(securityHeaders());
  app.use(
    cors({
      origin: [services.config.webOrigin],
      methods: ["GET", "POST", "PUT", "DELETE"],
      allowedHeaders: ["Authorization", "Content-Type", "X-Content-SHA256", "X-Request-Id"],
      exposedHeaders: ["X-Request-Id", "X-Summary-Engine", "Retry-After"],
      maxAge: 600,
    }),
  );
  app.use(...rateLimiter(services));

  app.use(healthRouter(services));
  app.use("/v1/auth", sessionsRouter(services));
  app.use("/v1/blobs", blobsRouter(services));
  app.use("/v1/keys", keysRouter(services));
  app.use("/v1/custodian", custodianRouter(services));
  app.use("/v1/audit", auditRouter(services));
  app.use("/v1/summaries", summariesRouter(services));
  app.use("/v1/messages", messagesRouter(services));
  app.use("/v1/identity-cards", identityCardsRouter(services));
  app.use("/v1/read-state", readStateRouter(services));

  app.use(notFoundHandler);
  app.use(errorHandler(services.logger));
  return app;
}
