import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { OPENAPI_DOCUMENT } from "../../src/api/openapi.js";

// ajv-formats is CommonJS: its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * OpenAPI 3.1's schemas are JSON Schema 2020-12: ajv checks answers against
 * the document's own. Made on the first check (adding the document costs
 * about 0.1 s of CPU), not by every test file that imports the clients.
 */
let ajv: Ajv2020 | undefined;

function validator(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...OPENAPI_DOCUMENT, $id: "openapi.json" });
  }
  return ajv;
}

type Responses = Record<string, { content: { "application/json": { schema: { $ref: string } } } }>;

/** Throws unless a real answer of a REST route (the change by default) is one the OpenAPI document describes. */
export function assertRestResponseMatchesOpenApi(
  status: number,
  contentType: string | null,
  body: unknown,
  route: { path: string; method: "get" | "put" | "post" } = { path: "/auth/v1/users/me/password", method: "put" },
): void {
  const paths = OPENAPI_DOCUMENT.paths as unknown as Record<string, Record<string, { responses: Responses }>>;
  const response = paths[route.path][route.method].responses[String(status)];
  if (!response) throw new Error(`REST answered ${status}, which the OpenAPI document does not describe`);
  if (!contentType?.startsWith("application/json")) throw new Error(`REST answered ${status} as ${contentType}, not JSON`);
  const ref = response.content["application/json"].schema.$ref;
  const validate = validator().getSchema(`openapi.json${ref}`)!;
  if (!validate(body)) {
    throw new Error(`REST answer ${status} ${JSON.stringify(body)} does not match the OpenAPI document: ${validator().errorsText(validate.errors)}`);
  }
}
