import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, createFileRegistry, type DescService, type MessageInitShape, setExtension } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorProtoSchema, MethodOptionsSchema } from "@bufbuild/protobuf/wkt";
import { http } from "../gen/google/api/annotations_pb.js";
import { HttpRuleSchema } from "../gen/google/api/http_pb.js";
import { ServiceError } from "../src/core/errors.js";
import { REST_ROUTES } from "../src/api/rest.js";
import { requestMessage, type RestMatch, routeTable } from "../src/api/route-table.js";

/** The served table: which RPC a request is for, or whether it is refused (405) or unknown (undefined). */
function rpcOf(path: string, method = "GET"): string | undefined {
  const match = REST_ROUTES.resolve(path, method);
  if (!match) return undefined;
  return match.methodAllowed ? match.route.rpc : `405 ${match.allowed.join(", ")}`;
}

function message(match: RestMatch | undefined, query = "", body?: Record<string, unknown>): Record<string, unknown> {
  assert.ok(match, "a route");
  return requestMessage(match, new URLSearchParams(query), body as never) as unknown as Record<string, unknown>;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    assert.equal(err.kind, "invalid-argument");
    return err.message;
  }
  assert.fail("not refused");
}

describe("the REST route table, from the protos' google.api.http", () => {
  it("routes every REST path of the protos, under the v1 API's base path", () => {
    assert.equal(rpcOf("/auth/v1/users/me/password", "PUT"), "zitadel.auth.v1.AuthService/UpdateMyPassword");
    assert.equal(rpcOf("/auth/v1/policies/passwords/complexity"), "zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy");
    assert.equal(rpcOf("/v2/settings/password/complexity"), "zitadel.settings.v2.SettingsService/GetPasswordComplexitySettings");
    assert.equal(rpcOf("/v2/settings/lockout"), "zitadel.settings.v2.SettingsService/GetLockoutSettings");
    assert.equal(rpcOf("/v2/users/42/password_reset", "POST"), "zitadel.user.v2.UserService/PasswordReset");
    assert.equal(rpcOf("/v2/users/42/password", "POST"), "zitadel.user.v2.UserService/SetPassword");
    assert.equal(rpcOf("/v2/sessions", "POST"), "zitadel.session.v2.SessionService/CreateSession");
    assert.equal(rpcOf("/v2/sessions/search", "POST"), "zitadel.session.v2.SessionService/ListSessions");
    assert.equal(rpcOf("/v2/sessions/7"), "zitadel.session.v2.SessionService/GetSession");
    assert.equal(rpcOf("/v2/sessions/7", "HEAD"), "zitadel.session.v2.SessionService/GetSession");
    assert.equal(rpcOf("/v2/sessions/7", "PATCH"), "zitadel.session.v2.SessionService/SetSession");
    assert.equal(rpcOf("/v2/sessions/7", "DELETE"), "zitadel.session.v2.SessionService/DeleteSession");
    assert.equal(REST_ROUTES.resolve("/v2/sessions", "POST")!.route.successCode, 201, "http_success_code");
    assert.equal(REST_ROUTES.resolve("/v2/sessions/search", "POST")!.route.successCode, 200);
  });

  it("refuses another method of a known path, naming the path's methods, and logs it as the path's first RPC", () => {
    assert.equal(rpcOf("/auth/v1/users/me/password", "GET"), "405 PUT");
    assert.equal(rpcOf("/v2/sessions/7", "POST"), "405 GET, PATCH, DELETE");
    assert.equal(REST_ROUTES.resolve("/v2/sessions/7", "POST")!.route.rpc, "zitadel.session.v2.SessionService/GetSession");
    // The literal template wins over {session_id}: /v2/sessions/search is the search, whatever the method.
    assert.equal(rpcOf("/v2/sessions/search", "GET"), "405 POST");
    assert.equal(rpcOf("/v2/settings/lockout", "HEAD"), "zitadel.settings.v2.SettingsService/GetLockoutSettings");
  });

  it("matches no route for a trailing slash, an empty segment, extra or missing segments, other case, or dot segments", () => {
    for (const path of [
      "/auth/v1/users/me/password/",
      "/v2/sessions/",
      "/v2/sessions//",
      "/v2/users//password",
      "//v2/sessions",
      "/v2/users/42/password/extra",
      "/v2/sessions/7/8",
      "/v2/users/password",
      "/V2/SESSIONS",
      "/v2/sessions/..",
      "/v2/sessions/.",
      "/v2/sessions/%2e%2E",
      "/v2/users/../password",
      "/v2/users/42/../42/password",
      "v2/sessions",
      "",
      "/",
    ]) {
      assert.equal(REST_ROUTES.resolve(path, "POST"), undefined, path);
      assert.equal(REST_ROUTES.resolve(path, "GET"), undefined, path);
    }
  });

  it("percent-decodes path variables, a %2F within one segment too, and refuses bad encoding", () => {
    const set = (path: string) => message(REST_ROUTES.resolve(path, "POST"), "", { newPassword: { password: "x" } });
    assert.equal(set("/v2/users/a%2Fb/password").userId, "a/b");
    assert.equal(set("/v2/users/%E2%82%AC%20x/password").userId, "€ x");
    assert.equal(set("/v2/users/a+b/password").userId, "a+b", "+ is not a space in a path");
    assert.equal(rpcOf("/v2/users/a/b/password", "POST"), undefined, "a raw / is another segment");
    assert.equal(
      refusal(() => set("/v2/users/%zz/password")),
      "the user_id in the path is not valid percent-encoding",
    );
    assert.equal(
      refusal(() => set("/v2/users/%C0%AF/password")),
      "the user_id in the path is not valid percent-encoding",
    );
  });

  it("builds a body:* request from the body, the path's variables over it in either spelling", () => {
    const match = REST_ROUTES.resolve("/v2/users/42/password", "POST");
    const built = message(match, "verificationCode=ignored", { userId: "other", user_id: "also", newPassword: { password: "p" }, unknown: 1 });
    assert.equal(built.userId, "42");
    assert.deepEqual((built.newPassword as { password: string }).password, "p");
    assert.equal((built.verification as { case?: string }).case, undefined, "with body *, no query parameter is read");
    assert.equal(
      refusal(() => message(match, "", { newPassword: "not an object" })),
      "request body is not a valid SetPasswordRequest",
    );
  });

  it("reads GET requests from the query, by proto or JSON names, converting booleans and ignoring unknown names", () => {
    const lockout = REST_ROUTES.resolve("/v2/settings/lockout", "GET");
    const ctx = (query: string) => (message(lockout, query).ctx as { resourceOwner: unknown } | undefined)?.resourceOwner;
    assert.deepEqual(ctx("ctx.orgId=7"), { case: "orgId", value: "7" });
    assert.deepEqual(ctx("ctx.org_id=7&connect=v1&nope=1"), { case: "orgId", value: "7" });
    assert.deepEqual(ctx("ctx.instance=true"), { case: "instance", value: true });
    assert.equal(ctx(""), undefined);
    assert.equal(
      refusal(() => ctx("ctx.instance=maybe")),
      'query parameter "ctx.instance" must be true or false',
    );
    assert.equal(
      refusal(() => ctx("ctx.orgId=1&ctx.orgId=2")),
      'query parameter "ctx.orgId" is given more than once',
    );
    assert.equal(
      refusal(() => ctx("ctx.orgId=1&ctx.org_id=2")),
      'query parameter "ctx.orgId" is given more than once',
    );
    assert.equal(
      refusal(() => ctx("ctx.orgId=1&ctx.instance=true")),
      "query string is not a valid GetLockoutSettingsRequest",
      "two members of one oneof",
    );

    const session = REST_ROUTES.resolve("/v2/sessions/s%201", "GET");
    assert.deepEqual(message(session, "session_token=t&session_id=other"), message(session, "sessionToken=t"));
    assert.equal(message(session, "session_token=t").sessionId, "s 1", "the path's variable, not the query's");
    assert.equal(message(session, "session_token=t").sessionToken, "t");
    assert.equal(message(session).sessionToken, undefined);
  });
});

describe("the route table's grammar, on a service made here", () => {
  const { STRING, BOOL, INT64, MESSAGE, ENUM } = FieldDescriptorProto_Type;
  // protoc writes each field's JSON name into the descriptor; so does this.
  const field = (name: string, number: number, type: FieldDescriptorProto_Type, more: object = {}) => ({
    name,
    jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    number,
    type,
    label: FieldDescriptorProto_Label.OPTIONAL,
    ...more,
  });
  const rule = (init: MessageInitShape<typeof HttpRuleSchema>) => {
    const options = create(MethodOptionsSchema);
    setExtension(options, http, create(HttpRuleSchema, init));
    return options;
  };
  const file = create(FileDescriptorProtoSchema, {
    name: "test/library.proto",
    package: "test.v1",
    syntax: "proto3",
    enumType: [
      {
        name: "Kind",
        value: [
          { name: "KIND_UNSPECIFIED", number: 0 },
          { name: "KIND_NOVEL", number: 1 },
        ],
      },
    ],
    messageType: [
      { name: "Sub", field: [field("leaf_name", 1, STRING)] },
      {
        name: "BookRequest",
        field: [
          field("name", 1, STRING),
          field("sub", 2, MESSAGE, { typeName: ".test.v1.Sub" }),
          field("tags", 3, STRING, { label: FieldDescriptorProto_Label.REPEATED }),
          field("flag", 4, BOOL),
          field("count", 5, INT64),
          field("kind", 6, ENUM, { typeName: ".test.v1.Kind" }),
        ],
      },
    ],
    service: [
      {
        name: "Library",
        method: [
          {
            name: "GetBook",
            inputType: ".test.v1.BookRequest",
            outputType: ".test.v1.Sub",
            options: rule({
              pattern: { case: "get", value: "/v1/{name=shelves/*/books/**}" },
              additionalBindings: [{ pattern: { case: "get", value: "/v1/books/{sub.leaf_name}" } }],
            }),
          },
          {
            name: "UpdateBook",
            inputType: ".test.v1.BookRequest",
            outputType: ".test.v1.Sub",
            options: rule({ pattern: { case: "patch", value: "/v1/books/{name}" }, body: "sub" }),
          },
          { name: "Unmapped", inputType: ".test.v1.BookRequest", outputType: ".test.v1.Sub" },
        ],
      },
    ],
  });
  const service: DescService = createFileRegistry(file, () => undefined).getService("test.v1.Library")!;
  const table = routeTable([service]);

  it("reads every binding, additional ones too, and skips a method without one", () => {
    assert.deepEqual(
      table.routes.map((r) => `${r.verb} ${r.template} ${r.path} ${r.rpc}`),
      [
        "GET /v1/{name=shelves/*/books/**} /v1/{name} test.v1.Library/GetBook",
        "GET /v1/books/{sub.leaf_name} /v1/books/{sub.leaf_name} test.v1.Library/GetBook",
        "PATCH /v1/books/{name} /v1/books/{name} test.v1.Library/UpdateBook",
      ],
    );
  });

  it("gives a {field=**} variable the segments it matched, slashes between, none being a match too", () => {
    assert.equal(message(table.resolve("/v1/shelves/s1/books/a/b%2Fc", "GET")).name, "shelves/s1/books/a/b/c");
    assert.equal(message(table.resolve("/v1/shelves/s1/books", "GET")).name, "shelves/s1/books");
    assert.equal(table.resolve("/v1/shelves/s1/books/a//c", "GET"), undefined, "an empty segment");
    assert.equal(table.resolve("/v1/shelves/s1/books/a/", "GET"), undefined, "a trailing slash");
    assert.equal(table.resolve("/v1/shelves/books", "GET"), undefined, "* needs its segment");
  });

  it("fills a nested field from a variable, and reads query parameters of every kind", () => {
    const built = message(table.resolve("/v1/books/leaf", "GET"), "tags=a&tags=b&flag=false&count=9007199254740993&kind=KIND_NOVEL&name=n");
    assert.deepEqual(built.sub && (built.sub as { leafName: string }).leafName, "leaf");
    assert.deepEqual(built.tags, ["a", "b"]);
    assert.equal(built.flag, false);
    assert.equal(built.count, 9007199254740993n);
    assert.equal(built.kind, 1);
    assert.equal(built.name, "n");
    assert.equal(message(table.resolve("/v1/books/leaf", "GET"), "kind=1").kind, 1, "an enum by number");
    const bound = message(table.resolve("/v1/books/leaf", "GET"), "sub.leafName=other");
    assert.equal((bound.sub as { leafName: string }).leafName, "leaf", "the path binds it, not the query");
    assert.equal(
      refusal(() => message(table.resolve("/v1/books/leaf", "GET"), "count=many")),
      "query string is not a valid BookRequest",
    );
  });

  it("puts a body named by its field into that field, and the rest of the request in the query", () => {
    const built = message(table.resolve("/v1/books/b1", "PATCH"), "flag=true&sub.leafName=ignored", { leafName: "from body" });
    assert.equal(built.name, "b1");
    assert.equal(built.flag, true);
    assert.equal((built.sub as { leafName: string }).leafName, "from body");
  });
});
