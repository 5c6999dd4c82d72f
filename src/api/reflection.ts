import { type DescFile, type DescService, toBinary } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

/** A request of either reflection version: both have the same shape. */
interface ReflectionRequest {
  host: string;
  messageRequest:
    | { case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices"; value: string }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;

/**
 * gRPC server reflection, v1 and v1alpha, over every service the server
 * hosts, so that grpcurl, buf curl and Postman discover and call the API
 * without .proto files. Answers from the descriptors protobuf-es embeds in
 * the generated code.
 */
export function reflectionRoutes(hosted: DescService[]): (router: ConnectRouter) => void {
  const index = indexFiles([...hosted, ReflectionV1, ReflectionV1alpha].map((s) => s.file));
  const services = [...hosted, ReflectionV1, ReflectionV1alpha].map((s) => s.typeName);
  const serve = (requests: AsyncIterable<ReflectionRequest>) => answerAll(requests, index, services);
  return (router) => {
    router.service(ReflectionV1, { serverReflectionInfo: serve });
    router.service(ReflectionV1alpha, { serverReflectionInfo: serve });
  };
}

interface FileIndex {
  byName: Map<string, DescFile>;
  bySymbol: Map<string, DescFile>;
  /** Message types declared: a known type without extensions is answered "none", an unknown one NOT_FOUND. */
  messages: Set<string>;
  /** The file declaring each extension, by the type it extends and its number (google.api.http's, for one). */
  extensions: Map<string, Map<number, DescFile>>;
}

function indexFiles(roots: DescFile[]): FileIndex {
  const index: FileIndex = { byName: new Map(), bySymbol: new Map(), messages: new Set(), extensions: new Map() };
  const visit = (file: DescFile) => {
    if (index.byName.has(file.proto.name)) return;
    index.byName.set(file.proto.name, file);
    for (const type of nestedTypes(file)) {
      index.bySymbol.set(type.typeName, file);
      if (type.kind === "message") index.messages.add(type.typeName);
      if (type.kind === "extension") extensionsOf(index, type.extendee.typeName).set(type.number, file);
      if (type.kind === "service") for (const m of type.methods) index.bySymbol.set(`${type.typeName}.${m.name}`, file);
    }
    file.dependencies.forEach(visit);
  };
  roots.forEach(visit);
  return index;
}

function extensionsOf(index: FileIndex, typeName: string): Map<number, DescFile> {
  const numbers = index.extensions.get(typeName) ?? new Map<number, DescFile>();
  index.extensions.set(typeName, numbers);
  return numbers;
}

async function* answerAll(requests: AsyncIterable<ReflectionRequest>, index: FileIndex, services: string[]) {
  // Like grpc-go, a file already sent on this stream is not sent again.
  const sent = new Set<string>();
  for await (const req of requests) {
    yield {
      validHost: req.host,
      originalRequest: { host: req.host, messageRequest: req.messageRequest },
      messageResponse: answer(req, index, services, sent),
    };
  }
}

function answer(req: ReflectionRequest, index: FileIndex, services: string[], sent: Set<string>) {
  const { messageRequest: r } = req;
  switch (r.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: services.map((name) => ({ name })) } } as const;
    case "fileByFilename":
      return filesWithDependencies(index.byName.get(r.value), sent, `file "${r.value}"`);
    case "fileContainingSymbol":
      return filesWithDependencies(index.bySymbol.get(r.value), sent, `symbol "${r.value}"`);
    case "fileContainingExtension":
      return filesWithDependencies(
        index.extensions.get(r.value.containingType)?.get(r.value.extensionNumber),
        sent,
        `extension ${r.value.extensionNumber} of "${r.value.containingType}"`,
      );
    case "allExtensionNumbersOfType": {
      if (!index.messages.has(r.value)) return error(NOT_FOUND, `type "${r.value}" not found`);
      const numbers = [...(index.extensions.get(r.value)?.keys() ?? [])].sort((a, b) => a - b);
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: r.value, extensionNumber: numbers } } as const;
    }
    default:
      return error(INVALID_ARGUMENT, "the request names nothing to look up");
  }
}

/** The file and those of its transitive imports not yet sent, imports first. */
function filesWithDependencies(file: DescFile | undefined, sent: Set<string>, what: string) {
  if (!file) return error(NOT_FOUND, `${what} not found`);
  const out: Uint8Array[] = [];
  const add = (f: DescFile, force: boolean) => {
    if (sent.has(f.proto.name) && !force) return;
    sent.add(f.proto.name);
    for (const d of f.dependencies) add(d, false);
    out.push(toBinary(FileDescriptorProtoSchema, f.proto));
  };
  // The file asked for is always answered, even if sent before.
  add(file, true);
  return { case: "fileDescriptorResponse", value: { fileDescriptorProto: out } } as const;
}

function error(errorCode: number, errorMessage: string) {
  return { case: "errorResponse", value: { errorCode, errorMessage } } as const;
}
