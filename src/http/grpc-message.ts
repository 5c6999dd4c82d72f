/**
 * connect-es percent-encodes grpc-message with encodeURIComponent, so ":"
 * travels as "%3A". The gRPC spec encodes only "%" and bytes outside
 * 0x20..0x7E, and grpc-js decodes with decodeURI, which leaves "%3A" as it
 * is: its users would read "OldPassword%3A value length ...". Re-encoding as
 * the spec says gives every client ZITADEL's exact message.
 */
export function encodeGrpcMessageAsSpecified(headers: Headers | undefined): void {
  const value = headers?.get("grpc-message");
  if (value !== null && value !== undefined) headers!.set("grpc-message", specEncode(decodeURIComponent(value)));
}

function specEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
