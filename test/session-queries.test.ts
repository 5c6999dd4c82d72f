import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createSessionServiceClient } from "@zitadel/client/v2";
import { ADMIN_ROLE } from "../src/core/roles.js";
import { bearer } from "./support/clients.js";
import { Service, type TestUser } from "./support/service.js";

type SessionClient = ReturnType<typeof createSessionServiceClient>;
type Query = Parameters<SessionClient["listSessions"]>[0] extends infer R ? (R extends { queries?: (infer Q)[] } ? Q : never) : never;

/** ListSessions' search queries, each as a login application's administrator sees it over Connect. */
describe("ListSessions: the queries by user agent, creation date and creator", () => {
  let service: Service;
  let sessions: SessionClient;
  let user: TestUser;
  /** Two login applications, each having signed the user in once. */
  let first: { userId: string; token: string; sessionId: string };
  let second: { userId: string; token: string; sessionId: string };
  /** The first application's user, also administrator of the user's organisation: it sees both sessions. */
  let admin: { headers: { authorization: string } };

  const signIn = async (fingerprintId?: string) => {
    const login = await service.loginClientToken();
    const created = await sessions.createSession(
      { checks: { user: { search: { case: "userId", value: user.userId } } }, userAgent: { fingerprintId } },
      { headers: { authorization: bearer(login.token) } },
    );
    service.secrets.push(created.sessionToken);
    return { ...login, sessionId: created.sessionId };
  };
  /** The IDs listed, among the user's sessions, for the query given. */
  const listed = async (query: Query, headers = admin.headers) => {
    const { sessions: found } = await sessions.listSessions({ queries: [{ query: { case: "userIdQuery", value: { id: user.userId } } }, query] }, { headers });
    return found.map((s) => s.id).sort();
  };
  const refusal = async (query: Query) => {
    const err = await sessions.listSessions({ queries: [query] }, { headers: admin.headers }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConnectError, String(err));
    return [err.code, err.rawMessage];
  };

  before(async () => {
    service = await Service.start();
    sessions = createSessionServiceClient(createConnectTransport({ baseUrl: service.url, httpVersion: "1.1" }));
    user = await service.createUser();
    // An empty fingerprint ID is one the caller gave: the query without one still matches none.
    first = await signIn("");
    second = await signIn("fp-second");
    admin = { headers: { authorization: bearer(await service.tokenWithRoles(first.userId, { [ADMIN_ROLE]: [user.resourceOwner] })) } };
  });
  after(async () => {
    await service?.stop();
  });

  it("matches a user agent by its fingerprint ID, and none without one (the caller's own agent is not known here)", async () => {
    assert.deepEqual(await listed({ query: { case: "userAgentQuery", value: { fingerprintId: "fp-second" } } }), [second.sessionId]);
    assert.deepEqual(await listed({ query: { case: "userAgentQuery", value: {} } }), []);
  });

  it("compares the creation date by the method asked for, and refuses a query without a date or with an unknown method", async () => {
    const { session } = await sessions.getSession({ sessionId: first.sessionId }, admin);
    const created = session!.creationDate!;
    const at = (method: number, creationDate = created): Query => ({ query: { case: "creationDateQuery", value: { creationDate, method } } });
    const both = [first.sessionId, second.sessionId].sort();
    const later = await sessions.getSession({ sessionId: second.sessionId }, admin);
    const secondMs = timestampDate(later.session!.creationDate!).getTime();
    // EQUALS is the method's zero value: a query naming only a date asks for that instant.
    assert.ok((await listed(at(0))).includes(first.sessionId));
    assert.deepEqual(await listed(at(3)), [], "none before the first");
    assert.deepEqual(await listed(at(2)), both, "both at or after the first");
    assert.deepEqual(await listed(at(4, timestampFromMs(secondMs))), both, "both at or before the second");
    assert.deepEqual(await listed(at(1, timestampFromMs(secondMs))), [], "none after the second");
    assert.ok(!(await listed(at(1))).includes(first.sessionId), "the first is not after itself");

    const message = "invalid ListSessionsRequest.Queries.CreationDateQuery: a creation date and a method are required";
    assert.deepEqual(await refusal({ query: { case: "creationDateQuery", value: { method: 2 } } }), [3, message]);
    assert.deepEqual(await refusal(at(99)), [3, message]);
  });

  it("refuses a search query that names no query", async () => {
    assert.deepEqual(await refusal({ query: { case: undefined } }), [3, "invalid ListSessionsRequest.Queries.Query: value is required"]);
  });

  it("lists by IDs: those named, and none for an empty list", async () => {
    assert.deepEqual(await listed({ query: { case: "idsQuery", value: { ids: [second.sessionId, "no-such-session"] } } }), [second.sessionId]);
    assert.deepEqual(await listed({ query: { case: "idsQuery", value: { ids: [] } } }), []);
  });

  it("lists by creator: the one named, or the caller's own when none is", async () => {
    assert.deepEqual(await listed({ query: { case: "creatorQuery", value: { id: second.userId } } }), [second.sessionId]);
    assert.deepEqual(await listed({ query: { case: "creatorQuery", value: {} } }), [first.sessionId]);
    const asSecond = { authorization: bearer(second.token) };
    assert.deepEqual(await listed({ query: { case: "creatorQuery", value: {} } }, asSecond), [second.sessionId]);
  });
});
