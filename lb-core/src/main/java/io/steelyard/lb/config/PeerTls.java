package io.steelyard.lb.config;

import java.nio.file.Path;

/**
 * TLS on every session of a {@link PeersConfig}, both ways authenticated: each side presents its
 * certificate and accepts the other's only if {@code trustedCa} signed it. HAProxy's {@code ssl crt
 * <pem> ca-file <ca> verify required} on the section's {@code default-bind} and {@code
 * default-server} lines. The names in the certificates are not checked: the chain is, so any
 * certificate the CA signed is a peer, and the CA should sign only the peers'.
 *
 * @param certificateAndKey a PEM file with this balancer's certificate chain and its private key
 *     (PKCS#8, unencrypted), as HAProxy's {@code crt} takes it
 * @param trustedCa a PEM file with the certificates of the CA that signed the peers'
 */
public record PeerTls(Path certificateAndKey, Path trustedCa) {}
