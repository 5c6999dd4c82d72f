import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ServerReflection } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { Service } from "./support/service.js";
import { bufCurlGrpc } from "./support/tools.js";

const METHODS = [
  "grpc.health.v1.Health/Check",
  "grpc.health.v1.Health/List",
  "grpc.health.v1.Health/Watch",
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
  "passwordservice.v1.PasswordService/ChangeMyPassword",
  "passwordservice.v1.PasswordService/GetMyPasswordPolicy",
  "passwordservice.v1.PasswordService/ValidateMyNewPassword",
  "zitadel.auth.v1.AuthService/GetMyPasswordComplexityPolicy",
  "zitadel.auth.v1.AuthService/UpdateMyPassword",
  "zitadel.session.v2.SessionService/CreateSession",
  "zitadel.session.v2.SessionService/DeleteSession",
  "zitadel.session.v2.SessionService/GetSession",
  "zitadel.session.v2.SessionService/ListSessions",
  "zitadel.session.v2.SessionService/SetSession",
  "zitadel.settings.v2.SettingsService/GetLockoutSettings",
  "zitadel.settings.v2.SettingsService/GetPasswordComplexitySettings",
  "zitadel.user.v2.UserService/PasswordReset",
  "zitadel.user.v2.UserService/SetPassword",
];

describe("server reflection", () => {
  let service: Service;
  before(async () => {
    service = await Service.start();
  });
  after(() => service.stop());

  for (const protocol of ["grpc-v1", "grpc-v1alpha"]) {
    it(`lists every service and method over ${protocol} (buf curl)`, async () => {
      const services = await bufCurlGrpc(["--reflect-protocol", protocol, "--list-services", service.url]);
      assert.equal(services.code, 0, services.stderr);
      assert.deepEqual(services.stdout.trim().split("\n"), [...new Set(METHODS.map((m) => m.split("/")[0]))]);
      const methods = await bufCurlGrpc(["--reflect-protocol", protocol, "--list-methods", service.url]);
      assert.equal(methods.code, 0, methods.stderr);
      assert.deepEqual(methods.stdout.trim().split("\n"), METHODS);
    });

    it(`changes a password with no .proto file, the schema from ${protocol} (buf curl --reflect)`, async () => {
      const user = await service.createUser("Old-Passw0rd!");
      const run = await bufCurlGrpc([
        "--reflect",
        "--reflect-protocol",
        protocol,
        "-H",
        `Authorization: Bearer ${user.token}`,
        "-d",
        '{"oldPassword":"Old-Passw0rd!","newPassword":"New-Passw0rd!"}',
        `${service.url}/zitadel.auth.v1.AuthService/UpdateMyPassword`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const { details } = JSON.parse(run.stdout);
      assert.equal(details.sequence, "2");
      assert.equal(details.resourceOwner, user.resourceOwner);
    });
  }

  it("describes a type by name with its imports, and answers NOT_FOUND for an unknown one", async () => {
    const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: service.url }));
    async function* requests() {
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "zitadel.auth.v1.UpdateMyPasswordRequest" } };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "zitadel.auth.v1.AuthService.UpdateMyPassword" } };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "no.such.Type" } };
      yield { messageRequest: { case: "fileByFilename" as const, value: "grpc/health/v1/health.proto" } };
    }
    const answers = [];
    for await (const res of client.serverReflectionInfo(requests())) answers.push(res.messageResponse);

    assert.equal(answers[0].case, "fileDescriptorResponse");
    const files = answers[0].value!.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b as Uint8Array).name);
    // auth.proto imports google.api.http's annotations (and they descriptor.proto) for its REST routes.
    const imports = ["google/api/annotations.proto", "google/api/http.proto", "google/protobuf/descriptor.proto", "google/protobuf/timestamp.proto"];
    assert.deepEqual(files.sort(), [...imports, "zitadel/auth.proto", "zitadel/object.proto", "zitadel/policy.proto"]);
    // A file already sent on the stream is sent again only when asked for itself.
    assert.equal(answers[1].case, "fileDescriptorResponse");
    assert.deepEqual(
      answers[1].value!.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b as Uint8Array).name),
      ["zitadel/auth.proto"],
    );
    assert.equal(answers[2].case, "errorResponse");
    assert.equal(answers[2].value!.errorCode, 5);
    assert.equal(answers[3].case, "fileDescriptorResponse");
    const health = fromBinary(FileDescriptorProtoSchema, answers[3].value!.fileDescriptorProto[0] as Uint8Array);
    assert.deepEqual(
      health.service.map((s) => s.name),
      ["Health"],
    );
  });

  it("finds an extension's file and a type's extension numbers, and answers NOT_FOUND for an unknown extension or type, INVALID_ARGUMENT for a request naming none", async () => {
    const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: service.url }));
    // google.api.http, the REST routes' option that auth.proto uses, extends MethodOptions as field 72295728.
    const extension = (containingType: string, extensionNumber: number) => ({
      messageRequest: { case: "fileContainingExtension" as const, value: { containingType, extensionNumber } },
    });
    const numbersOf = (value: string) => ({ messageRequest: { case: "allExtensionNumbersOfType" as const, value } });
    async function* requests() {
      yield extension("google.protobuf.MethodOptions", 72295728);
      yield extension("google.protobuf.MethodOptions", 1);
      yield numbersOf("google.protobuf.MethodOptions");
      yield numbersOf("zitadel.auth.v1.UpdateMyPasswordRequest");
      yield numbersOf("no.such.Type");
      yield { messageRequest: { case: undefined } };
    }
    const answers = [];
    for await (const res of client.serverReflectionInfo(requests())) answers.push(res.messageResponse);

    assert.equal(answers[0].case, "fileDescriptorResponse");
    const files = answers[0].value!.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b as Uint8Array).name);
    assert.equal(files.at(-1), "google/api/annotations.proto", "the file declaring it, after its imports");
    assert.deepEqual(
      answers.slice(1).map((a) => {
        if (a.case === "errorResponse") return [a.value.errorCode, a.value.errorMessage];
        if (a.case === "allExtensionNumbersResponse") return [a.value.baseTypeName, a.value.extensionNumber];
        return a.case;
      }),
      [
        [5, 'extension 1 of "google.protobuf.MethodOptions" not found'],
        // And this service's own http_success_code (passwordservice/v1/http_options.proto).
        ["google.protobuf.MethodOptions", [50001, 72295728]],
        ["zitadel.auth.v1.UpdateMyPasswordRequest", []],
        [5, 'type "no.such.Type" not found'],
        [3, "the request names nothing to look up"],
      ],
    );
  });
});
