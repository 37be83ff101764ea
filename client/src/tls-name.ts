/**
 * TLS may not name a server by IP address (RFC 6066), and Node warns when gRPC tries. Our node
 * certificates also carry `localhost`, so a loopback address is verified under that name instead.
 */
import net from 'node:net';

export function tlsNameOptions(hostOrEndpoint: string): Record<string, string> {
  const host = hostOrEndpoint.replace(/:\d+$/, '');
  return net.isIP(host)
    ? {
        'grpc.ssl_target_name_override': host.startsWith('127.') || host === '::1' ? 'localhost' : host,
        'grpc.default_authority': hostOrEndpoint,
      }
    : {};
}
