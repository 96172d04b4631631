/*
 * Bounds on what an error says. An error's texts travel in the gRPC status's trailers (the message
 * in `grpc-message`, and again with the details in `grpc-status-details-bin`) and in failure
 * events, so they must stay small whatever a caller sent: a trailer of more than about 64 KiB is
 * dropped by the client's HTTP/2 layer, and the call then never ends.
 */

/** The characters of a caller's value that an error quotes; a longer value is cut to these. */
export const maxQuotedLength = 64;
/** The characters of one text of an error (a description, a subject, a resource name). */
export const maxErrorTextLength = 512;
/** The characters of an error's message. */
export const maxErrorMessageLength = 2048;
/** The field violations an INVALID_ARGUMENT lists; the message counts the others. */
export const maxFieldViolations = 16;

/**
 * A value the caller sent, as an error quotes it: `"swp1"`, or for a long one its first 64
 * characters and its length, `"xxxx…" (40000 characters)`.
 */
export function quote(value: string): string {
  return value.length <= maxQuotedLength
    ? `"${value}"`
    : `"${value.slice(0, maxQuotedLength)}…" (${value.length} characters)`;
}

/** `text`, or its first `limit` characters and its length when it is longer. */
export function boundText(text: string, limit = maxErrorTextLength): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}
