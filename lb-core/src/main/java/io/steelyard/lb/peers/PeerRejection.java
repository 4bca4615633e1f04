package io.steelyard.lb.peers;

/** Why a peer's bytes could not be read as a message; each is counted. */
public enum PeerRejection {
  /** A varint longer than ten bytes, or one beyond 64 bits. */
  BAD_VARINT,
  /** A message whose length is beyond what a peer may send ({@link PeerFrame#MAX_PAYLOAD}). */
  TOO_LARGE,
  /** A message class that is neither control, error nor stick table. */
  UNKNOWN_CLASS,
  /** A message type that its class does not have. */
  UNKNOWN_TYPE,
  /** A message that ends before its fields do, or has bytes after them. */
  TRUNCATED,
  /** A table definition without a name, or with a key type the protocol does not have. */
  BAD_DEFINITION,
  /** An update or acknowledgement of a table that was not defined on the session. */
  UNDEFINED_TABLE,
  /** An update whose data holds types that Steelyard does not replicate. */
  UNSUPPORTED_DATA,
  /** A server key that names a dictionary slot out of range, or one never filled. */
  BAD_DICTIONARY_ENTRY
}
