import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Duration, type Timestamp, timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DetailsSchema } from "../../gen/zitadel/object/v2/object_pb.js";
import { TimestampQueryMethod } from "../../gen/zitadel/object_pb.js";
import type { RequestChallenges } from "../../gen/zitadel/session/v2/challenge_pb.js";
import { type Session, SessionSchema, type SearchQuery, type UserAgent } from "../../gen/zitadel/session/v2/session_pb.js";
import type {
  Checks,
  CreateSessionRequest,
  CreateSessionResponseSchema,
  DeleteSessionResponseSchema,
  GetSessionResponseSchema,
  ListSessionsRequest,
  ListSessionsResponseSchema,
  SetSessionRequest,
  SetSessionResponseSchema,
} from "../../gen/zitadel/session/v2/session_service_pb.js";
import type { RequestContext } from "../core/audit.js";
import { errors, invalidField } from "../core/errors.js";
import { ADMIN_ROLE, administers, isInstanceAdmin, isLoginClient } from "../core/roles.js";
import {
  createSession,
  deleteSession,
  getSession,
  listSessions,
  type SessionCaller,
  type SessionChecks,
  type SessionDeps,
  type SessionFilter,
  type SessionUserAgent,
  type SessionView,
  type SessionWritten,
  setSession,
} from "../core/sessions.js";
import type { SessionLimits } from "../config.js";
import type { Caller } from "../crypto/tokens.js";
import { checkLength, OLD_PASSWORD_MAX_BYTES } from "./change-endpoint.js";
import { checkId } from "./field-bounds.js";
import type { CallerRequest, Gate } from "./gate.js";

/** ListSessions' page when none is asked for, and the most one page holds (ZITADEL's default and maximum). */
const LIST_DEFAULT = 100;
export const LIST_MAX = 1000;
/** Bound on a user agent's fingerprint ID, IP and description. */
export const USER_AGENT_FIELD_MAX = 200;

export interface SessionRequest<T> extends CallerRequest {
  message: T;
  context: RequestContext;
}

type Init<S extends Parameters<typeof create>[0]> = MessageInitShape<S>;

/**
 * ZITADEL v2's SessionService, as every protocol adapter calls it:
 * authenticate, validate as ZITADEL does and within the README's bounds,
 * decide who may, run the use case, and build the messages.
 */
export class SessionEndpoint {
  constructor(
    private readonly gate: Gate,
    private readonly deps: SessionDeps,
    private readonly limits: SessionLimits,
  ) {}

  createSession(req: SessionRequest<CreateSessionRequest>): Promise<Init<typeof CreateSessionResponseSchema>> {
    return this.gate.answer(req, {
      what: "CreateSession",
      run: async (caller) => {
        const m = req.message;
        const change = this.changeOf(caller, "CreateSessionRequest", m.checks, m.metadata, m.challenges, m.lifetime, req.context);
        const written = await createSession(this.deps, { ...change, userAgent: this.userAgentOf(m.userAgent) });
        return { details: details(written), sessionId: written.session.id, sessionToken: written.token };
      },
    });
  }

  setSession(req: SessionRequest<SetSessionRequest>): Promise<Init<typeof SetSessionResponseSchema>> {
    return this.gate.answer(req, {
      what: "SetSession",
      run: async (caller) => {
        const m = req.message;
        checkId("SetSessionRequest", "SessionId", m.sessionId);
        const change = this.changeOf(caller, "SetSessionRequest", m.checks, m.metadata, m.challenges, m.lifetime, req.context);
        const written = await setSession(this.deps, { ...change, sessionId: m.sessionId, sessionToken: m.sessionToken });
        return { details: details(written), sessionToken: written.token };
      },
    });
  }

  getSession(req: SessionRequest<{ sessionId: string; sessionToken?: string }>): Promise<Init<typeof GetSessionResponseSchema>> {
    return this.gate.answer(req, {
      what: "GetSession",
      run: async (caller) => {
        checkId("GetSessionRequest", "SessionId", req.message.sessionId);
        const view = await getSession(this.deps, callerOf(caller), req.message.sessionId, req.message.sessionToken);
        return { session: sessionMessage(view) };
      },
    });
  }

  deleteSession(req: SessionRequest<{ sessionId: string; sessionToken?: string }>): Promise<Init<typeof DeleteSessionResponseSchema>> {
    return this.gate.answer(req, {
      what: "DeleteSession",
      run: async (caller) => {
        checkId("DeleteSessionRequest", "SessionId", req.message.sessionId);
        const { sessionId, sessionToken } = req.message;
        const ended = await deleteSession(this.deps, callerOf(caller), sessionId, req.context, sessionToken);
        return {
          details: create(DetailsSchema, {
            sequence: BigInt(ended.sequence),
            changeDate: timestampFromMs(ended.at.getTime()),
            resourceOwner: ended.resourceOwner,
          }),
        };
      },
    });
  }

  listSessions(req: SessionRequest<ListSessionsRequest>): Promise<Init<typeof ListSessionsResponseSchema>> {
    return this.gate.answer(req, {
      what: "ListSessions",
      run: async (caller) => {
        const filter = filterOf(req.message, caller.userId);
        const adminOf = [...(caller.roles.get(ADMIN_ROLE) ?? [])];
        const { total, sessions } = await listSessions(this.deps, callerOf(caller), filter, adminOf);
        return {
          details: { totalResult: BigInt(total), timestamp: timestampFromMs(Date.now()) },
          sessions: sessions.map(sessionMessage),
        };
      },
    });
  }

  private changeOf(
    caller: Caller,
    requestName: string,
    checks: Checks | undefined,
    metadata: Record<string, Uint8Array>,
    challenges: RequestChallenges | undefined,
    lifetime: Duration | undefined,
    context: RequestContext,
  ) {
    refuseChallenges(challenges);
    this.checkMetadata(metadata);
    return { caller: callerOf(caller), checks: checksOf(requestName, checks), metadata, lifetimeMs: lifetimeOf(lifetime), context };
  }

  private checkMetadata(metadata: Record<string, Uint8Array>): void {
    // A request with more keys than any session keeps is refused before its values are looked at; the use case counts the merged keys.
    const entries = Object.entries(metadata);
    if (entries.length > this.limits.metadataKeys) throw errors.sessionLimit(`at most ${this.limits.metadataKeys} metadata keys`);
    for (const [key, value] of entries) {
      if (Buffer.byteLength(key) > this.limits.metadataValueBytes || value.length > this.limits.metadataValueBytes) {
        throw errors.sessionLimit(`a metadata key or value is at most ${this.limits.metadataValueBytes} bytes`);
      }
    }
  }

  private userAgentOf(agent: UserAgent | undefined): SessionUserAgent {
    if (!agent) return { header: {} };
    for (const field of [agent.fingerprintId, agent.ip, agent.description]) {
      if (field !== undefined && field.length > USER_AGENT_FIELD_MAX) {
        throw errors.sessionLimit(`user_agent's fingerprint_id, ip and description are at most ${USER_AGENT_FIELD_MAX} characters`);
      }
    }
    const header = Object.fromEntries(Object.entries(agent.header).map(([name, { values }]) => [name, values]));
    const count = Object.values(header).reduce((sum, values) => sum + Math.max(1, values.length), 0);
    if (count > this.limits.userAgentHeaders) throw errors.sessionLimit(`user_agent holds at most ${this.limits.userAgentHeaders} header values`);
    for (const [name, values] of Object.entries(header)) {
      if ([name, ...values].some((v) => Buffer.byteLength(v) > this.limits.metadataValueBytes)) {
        throw errors.sessionLimit(`a user_agent header name or value is at most ${this.limits.metadataValueBytes} bytes`);
      }
    }
    return { fingerprintId: agent.fingerprintId, ip: agent.ip, description: agent.description, header };
  }
}

function callerOf(caller: Caller): SessionCaller {
  return {
    userId: caller.userId,
    loginClient: isLoginClient(caller),
    administers: (orgId) => administers(caller, orgId),
    instanceAdmin: isInstanceAdmin(caller),
  };
}

/** The checks served (user, password); every other answers Unimplemented, naming it. */
function checksOf(requestName: string, checks: Checks | undefined): SessionChecks {
  if (!checks) return {};
  const unserved = { webAuthN: "web_auth_n", idpIntent: "idp_intent", totp: "totp", otpSms: "otp_sms", otpEmail: "otp_email" } as const;
  for (const [field, name] of Object.entries(unserved)) {
    if (checks[field as keyof typeof unserved] !== undefined) throw errors.sessionCheckUnimplemented("check", name);
  }
  const result: SessionChecks = {};
  const search = checks.user?.search;
  if (checks.user) {
    if (search?.case === "userId") checkId(requestName, "Checks.User.UserId", search.value);
    else if (search?.case === "loginName") checkId(requestName, "Checks.User.LoginName", search.value);
    else throw invalidField(requestName, "Checks.User.Search", "value is required");
    result.user = search.case === "userId" ? { userId: search.value } : { loginName: search.value };
  }
  if (checks.password) {
    checkLength(requestName, "Checks.Password.Password", checks.password.password, OLD_PASSWORD_MAX_BYTES);
    result.password = checks.password.password;
  }
  return result;
}

function refuseChallenges(challenges: RequestChallenges | undefined): void {
  if (!challenges) return;
  const names = { webAuthN: "web_auth_n", otpSms: "otp_sms", otpEmail: "otp_email" } as const;
  for (const [field, name] of Object.entries(names)) {
    if (challenges[field as keyof typeof names] !== undefined) throw errors.sessionCheckUnimplemented("challenge", name);
  }
}

/** Lifetime in ms; negative is ZITADEL's error, zero (or none) leaves it as it was. */
function lifetimeOf(lifetime: Duration | undefined): number | undefined {
  if (!lifetime) return undefined;
  const ms = Number(lifetime.seconds) * 1000 + Math.trunc(lifetime.nanos / 1e6);
  if (ms < 0 || lifetime.nanos < 0) throw errors.sessionLifetime();
  return ms === 0 ? undefined : ms;
}

function details(written: SessionWritten) {
  const { session } = written;
  return create(DetailsSchema, {
    sequence: BigInt(session.sequence),
    changeDate: timestampFromMs(session.changedAt),
    creationDate: timestampFromMs(session.createdAt),
    resourceOwner: written.resourceOwner,
  });
}

function sessionMessage(view: SessionView): Session {
  const { session, user } = view;
  const at = (ms: number | null) => (ms === null ? undefined : { verifiedAt: timestampFromMs(ms) });
  return create(SessionSchema, {
    id: session.id,
    creationDate: timestampFromMs(session.createdAt),
    changeDate: timestampFromMs(session.changedAt),
    sequence: BigInt(session.sequence),
    factors: {
      user:
        session.userId && user
          ? { ...at(session.userCheckedAt), id: session.userId, loginName: user.loginName, displayName: user.displayName, organizationId: user.orgId }
          : undefined,
      password: at(session.passwordCheckedAt),
    },
    metadata: Object.fromEntries(Object.entries(session.metadata).map(([k, v]) => [k, Buffer.from(v, "base64")])),
    userAgent: {
      fingerprintId: session.userAgent.fingerprintId,
      ip: session.userAgent.ip,
      description: session.userAgent.description,
      header: Object.fromEntries(Object.entries(session.userAgent.header).map(([k, values]) => [k, { values }])),
    },
    expirationDate: session.expiresAt === null ? undefined : timestampFromMs(session.expiresAt),
  });
}

const METHODS: Partial<Record<TimestampQueryMethod, NonNullable<SessionFilter["created"]>["op"]>> = {
  [TimestampQueryMethod.EQUALS]: "=",
  [TimestampQueryMethod.GREATER]: ">",
  [TimestampQueryMethod.GREATER_OR_EQUALS]: ">=",
  [TimestampQueryMethod.LESS]: "<",
  [TimestampQueryMethod.LESS_OR_EQUALS]: "<=",
};

/** ListSessions' queries and paging as the store's filter; a creator query without an ID is the caller's own. */
function filterOf(req: ListSessionsRequest, callerId: string): Omit<SessionFilter, "visibleTo"> {
  const limit = req.query?.limit ? req.query.limit : LIST_DEFAULT;
  if (limit > LIST_MAX) throw invalidField("ListSessionsRequest", "Query.Limit", `value must be at most ${LIST_MAX}`);
  const filter: Omit<SessionFilter, "visibleTo"> = { offset: Number(req.query?.offset ?? 0n), limit, asc: req.query?.asc ?? false };
  for (const query of req.queries) applyQuery(filter, query.query, callerId);
  return filter;
}

function applyQuery(filter: Omit<SessionFilter, "visibleTo">, query: SearchQuery["query"], callerId: string): void {
  switch (query.case) {
    case "idsQuery":
      filter.ids = query.value.ids;
      return;
    case "userIdQuery":
      filter.userId = query.value.id;
      return;
    case "creatorQuery":
      filter.creatorId = query.value.id ?? callerId;
      return;
    case "userAgentQuery":
      // No fingerprint ID: the caller's own agent's, which a bearer here does not carry.
      filter.fingerprintId = query.value.fingerprintId ?? null;
      return;
    case "creationDateQuery": {
      const op = METHODS[query.value.method];
      const date = query.value.creationDate as Timestamp | undefined;
      if (!op || !date) throw invalidField("ListSessionsRequest", "Queries.CreationDateQuery", "a creation date and a method are required");
      filter.created = { op, atMs: timestampDate(date).getTime() };
      return;
    }
    default:
      throw invalidField("ListSessionsRequest", "Queries.Query", "value is required");
  }
}
